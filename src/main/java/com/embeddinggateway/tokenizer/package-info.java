/**
 * BERT WordPiece tokenization in pure Java, id for id what the Hugging Face tokenizers
 * library gives for the bge models' {@code tokenizer.json}: the exact token counts behind
 * the per-input token limits, and the ids the in-process models read. Its cost is bounded
 * by the tokens asked for, and no caller's text reaches native code.
 */
@NullMarked
package com.embeddinggateway.tokenizer;

import org.jspecify.annotations.NullMarked;
