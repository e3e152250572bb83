/**
 * Embedding Gateway: the application entry point. Each sub-package owns one step of a
 * request's path.
 */
@NullMarked
package com.embeddinggateway;

import org.jspecify.annotations.NullMarked;
