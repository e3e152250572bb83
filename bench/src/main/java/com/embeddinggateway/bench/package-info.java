/**
 * The on-demand benchmark behind {@code bench/run.sh}: a mock SiliconFlow upstream cheap
 * enough never to be the bottleneck ({@link com.embeddinggateway.bench.MockUpstream}), a
 * load generator with closed- and open-loop modes
 * ({@link com.embeddinggateway.bench.LoadGen}), a sampler of the server's CPU and memory
 * ({@link com.embeddinggateway.bench.ProcStats}) and the report that turns the runs into
 * {@code bench/RESULTS.md} ({@link com.embeddinggateway.bench.Report}).
 */
package com.embeddinggateway.bench;
