/**
 * Cross-cutting wiring only: start-up messages and checks, and settings that belong to no
 * single step of a request.
 */
@NullMarked
package com.embeddinggateway.config;

import org.jspecify.annotations.NullMarked;
