package com.embeddinggateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * OpenAI-compatible embeddings gateway. A request flows through the packages in this
 * order: {@code api} → {@code tenancy} → {@code catalog} → {@code fanout} →
 * {@code upstream}.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class EmbeddingGatewayApplication {

	public static void main(String[] args) {
		SpringApplication.run(EmbeddingGatewayApplication.class, args);
	}

}
