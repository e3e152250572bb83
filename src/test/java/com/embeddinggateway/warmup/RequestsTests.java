package com.embeddinggateway.warmup;

import java.util.List;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up's round: valid requests, mostly single inputs as callers send them, with
 * every shape the request path must compile for, interleaved.
 */
class RequestsTests {

	private final JsonMapper json = JsonMapper.builder().build();

	@Test
	void aRoundIsMostlySingleInputsAndHoldsEveryShape() {
		List<JsonNode> round = Requests.round("m").stream().map(this.json::readTree).toList();

		assertThat(round).allSatisfy((request) -> assertThat(request.path("model").asString()).isEqualTo("m"));
		long single = round.stream().filter((request) -> inputs(request) == 1).count();
		assertThat(single).as("single-input requests").isGreaterThanOrEqualTo(round.size() * 9L / 10);
		assertThat(round).anyMatch((request) -> request.path("input").isString() && !request.has("encoding_format"));
		assertThat(round).anyMatch((request) -> request.path("input").isString()
				&& request.path("encoding_format").asString().equals("base64"));
		assertThat(round).anyMatch((request) -> request.path("input").isArray() && inputs(request) == 1);
		assertThat(round)
			.anyMatch((request) -> inputs(request) == 32 && request.path("encoding_format").asString().equals("float"));
		assertThat(round).anyMatch(
				(request) -> inputs(request) == 32 && request.path("encoding_format").asString().equals("base64"));
		assertThat(round).anyMatch((request) -> inputs(request) == 100);
	}

	@Test
	void theShapesAreInterleavedSoThatRequestsInFlightMixThem() {
		List<JsonNode> first = Requests.round("m").stream().limit(10).map(this.json::readTree).toList();

		assertThat(first).anyMatch((request) -> inputs(request) == 32);
		assertThat(first).anyMatch((request) -> inputs(request) == 100);
		assertThat(first).anyMatch((request) -> request.path("input").isString());
	}

	private static int inputs(JsonNode request) {
		JsonNode input = request.path("input");
		return input.isArray() ? input.size() : 1;
	}

}
