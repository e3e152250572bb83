package com.embeddinggateway.api;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import com.embeddinggateway.api.MemoryBudget.Reservation;
import com.embeddinggateway.catalog.InvalidInputException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.mock.web.reactive.function.server.MockServerRequest;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RequestBodyTests {

	private final MemoryBudget budget = new MemoryBudget(10_000);

	private final RequestBody body = new RequestBody(new ApiProperties(DataSize.ofMegabytes(16), Duration.ofSeconds(1),
			Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(75), 10_000, DataSize.ofKilobytes(8),
			DataSize.ofKilobytes(4), 100), JsonMapper.builder().build());

	@Test
	void holdsFourBytesPerByteOfTheLongestTextWhileParsing() {
		Reservation other = this.budget.open();
		other.add(5_000, "another request");
		Reservation memory = this.budget.open();

		byte[] oneLongText = request("\"" + "x".repeat(1_300) + "\"");
		assertThatExceptionOfType(GatewayBusyException.class).isThrownBy(() -> this.body.parse(oneLongText, memory))
			.withMessageContaining("the texts of this request's body");

		byte[] manyShortTexts = request("[" + "\"xxxxxxxxxx\",".repeat(200) + "\"x\"]");
		assertThat(manyShortTexts).hasSizeGreaterThan(oneLongText.length);
		assertThat(this.body.parse(manyShortTexts, memory).inputs()).hasSize(201);
		assertThat(this.budget.held()).isEqualTo(5_000);
	}

	@Test
	void givesBackWhatParsingHeldWhenTheBodyIsRefused() {
		Reservation memory = this.budget.open();

		assertThatExceptionOfType(InvalidInputException.class)
			.isThrownBy(() -> this.body.parse(request("[\"" + "x".repeat(1_000) + "\", 7]"), memory));
		assertThat(this.budget.held()).isZero();
		assertThat(this.body.parse(request("\"x\""), memory))
			.isEqualTo(new EmbeddingsRequest("m", List.of("x"), false, null));
	}

	@Test
	void parsesLargeBodiesOffTheThreadThatReadThem() {
		Reservation memory = this.budget.open();
		String caller = Thread.currentThread().getName();

		assertThat(parsingThread(request("\"small\""), memory)).isEqualTo(caller);
		assertThat(parsingThread(request("\"" + "x".repeat(300_000) + "\""), memory)).startsWith("boundedElastic");
	}

	private String parsingThread(byte[] bytes, Reservation memory) {
		MockServerRequest request = MockServerRequest.builder()
			.body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)));
		return this.body.parse(request, memory).map((parsed) -> Thread.currentThread().getName()).block();
	}

	private static byte[] request(String input) {
		return ("{\"model\":\"m\",\"input\":" + input + "}").getBytes(StandardCharsets.UTF_8);
	}

}
