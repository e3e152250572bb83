package com.embeddinggateway;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

import com.embeddinggateway.catalog.CatalogProperties;
import com.embeddinggateway.catalog.ModelCatalog;
import com.embeddinggateway.upstream.UpstreamProperties;

import org.springframework.util.unit.DataSize;

/** Small factories shared by unit tests of several packages. */
public final class Fixtures {

	private Fixtures() {
	}

	/** One {@code siliconflow} upstream with default client settings. */
	public static UpstreamProperties upstreams() {
		return new UpstreamProperties(
				List.of(new UpstreamProperties.Upstream("siliconflow", URI.create("http://localhost/v1"), "", true)),
				new UpstreamProperties.HttpClient(10, Duration.ofSeconds(1), Duration.ofSeconds(1),
						Duration.ofSeconds(1), Duration.ofSeconds(1), DataSize.ofMegabytes(1)));
	}

	/** The built-in models plus these entries. */
	public static ModelCatalog catalog(CatalogProperties.Model... entries) {
		return new ModelCatalog(new CatalogProperties(List.of(entries)), upstreams(), List.of());
	}

	/** Lowercase hex SHA-256, the form {@code api-key-sha256} takes. */
	public static String sha256(String key) {
		try {
			return HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
