/**
 * Who is calling: maps the bearer key a service presents to its tenant (allowed models,
 * upstream credentials, limits). Keys exist here only as SHA-256 digests, compared in
 * constant time.
 */
@NullMarked
package com.embeddinggateway.tenancy;

import org.jspecify.annotations.NullMarked;
