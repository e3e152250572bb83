/**
 * Load shedding at the front door: an adaptive limit on the embeddings requests in
 * flight, lowered when the event loops fall behind and raised again when they keep up; a
 * request over it is answered 503 at once, its body dropped unparsed.
 */
@NullMarked
package com.embeddinggateway.shedding;

import org.jspecify.annotations.NullMarked;
