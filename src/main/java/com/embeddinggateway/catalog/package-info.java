/**
 * The models the gateway serves: built-in specs for SiliconFlow's embedding models,
 * overrides and additions from {@code gateway.models}, aliases, and the per-model rules a
 * request must meet before any upstream call (input content, token limits,
 * {@code dimensions}).
 */
@NullMarked
package com.embeddinggateway.catalog;

import org.jspecify.annotations.NullMarked;
