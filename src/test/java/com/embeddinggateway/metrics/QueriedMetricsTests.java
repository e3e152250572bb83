package com.embeddinggateway.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class QueriedMetricsTests {

	@Test
	void findsTheMetricsOfAQueryAndNotItsFunctionsLabelsRangesOrVariables() {
		assertThat(QueriedMetrics
			.in("histogram_quantile(0.95, sum by (le, upstream) (rate(gateway_upstream_calls_seconds_bucket{model=~\"$model\",outcome=\"success\"}[$__rate_interval])))"))
			.containsExactly("gateway_upstream_calls_seconds_bucket");
	}

	@Test
	void findsBothSidesOfABinaryOperationAndRecordedSeries() {
		assertThat(QueriedMetrics
			.in("gateway:requests_slow:ratio_rate1h > 14.4 * 0.01 and avg_over_time(gateway_memory_held_bytes[10m]) / gateway_memory_limit_bytes > 0.8"))
			.containsExactly("gateway:requests_slow:ratio_rate1h", "gateway_memory_held_bytes",
					"gateway_memory_limit_bytes");
	}

	@Test
	void ignoresNumbersWithExponentsAndKeywords() {
		assertThat(QueriedMetrics.in("sum(rate(x_total[5m] offset 1h)) > 1e3 or vector(0) unless on (job) y"))
			.containsExactly("x_total", "y");
	}

	@Test
	void readsTheDashboardAndTheRules() throws Exception {
		assertThat(QueriedMetrics.ofDashboard()).contains("gateway_requests_seconds_count",
				"gen_ai_client_operation_duration_seconds_bucket", "resilience4j_circuitbreaker_state");
		assertThat(QueriedMetrics.ofRules()).contains("gateway_requests_shed_total",
				"gateway:requests_slow:ratio_rate5m");
		assertThat(QueriedMetrics.recorded()).contains("gateway:requests_slow:ratio_rate5m");
	}

}
