/**
 * Embedding models that run inside the gateway's own process: bge-small-zh-v1.5 and
 * bge-small-en-v1.5 on ONNX Runtime, fed from a bounded worker pool so inference never
 * runs on an event loop and overload is refused rather than queued without end. Also
 * holds the bge models' tokenizers, read from the same jars, which count tokens for the
 * bge-large models at the upstream too, without loading any model.
 */
@NullMarked
package com.embeddinggateway.local;

import org.jspecify.annotations.NullMarked;
