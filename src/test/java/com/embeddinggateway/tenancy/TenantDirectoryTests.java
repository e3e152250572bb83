package com.embeddinggateway.tenancy;

import java.util.List;

import com.embeddinggateway.Fixtures;
import org.junit.jupiter.api.Test;

import static com.embeddinggateway.Fixtures.sha256;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class TenantDirectoryTests {

	@Test
	void findsTheTenantOfABearerKey() {
		TenantDirectory directory = directory(tenant("search", List.of(sha256("key-a"), sha256("key-b")), null),
				tenant("chat", List.of(sha256("key-c")), List.of("bge-m3")));

		assertThat(directory.authenticate("Bearer key-a").id()).isEqualTo("search");
		assertThat(directory.authenticate("bearer   key-b ").id()).isEqualTo("search");
		Tenant chat = directory.authenticate("Bearer key-c");
		assertThat(chat.id()).isEqualTo("chat");
		assertThat(chat.allowedModels()).containsExactly("BAAI/bge-m3");
	}

	@Test
	void refusesMissingAndUnknownKeys() {
		TenantDirectory directory = directory(tenant("search", List.of(sha256("key-a")), null));

		for (String header : new String[] { null, "", "Bearer ", "Bearer key-x", "key-a-but-longer" }) {
			assertThatExceptionOfType(InvalidApiKeyException.class).isThrownBy(() -> directory.authenticate(header));
		}
	}

	@Test
	void withNoTenantsEveryKeyIsRefused() {
		assertThatExceptionOfType(InvalidApiKeyException.class)
			.isThrownBy(() -> directory().authenticate("Bearer anything"));
	}

	@Test
	void aDigestUsedTwiceStopsStartUpNamingTheEntry() {
		assertThatIllegalStateException()
			.isThrownBy(
					() -> directory(tenant("a", List.of(sha256("k")), null), tenant("b", List.of(sha256("k")), null)))
			.withMessageContaining("'b'");
	}

	@Test
	void aMalformedDigestStopsStartUpNamingTheEntry() {
		for (String digest : List.of("abc", sha256("k").toUpperCase(), "the-key-itself")) {
			assertThatIllegalStateException().isThrownBy(() -> directory(tenant("search", List.of(digest), null)))
				.withMessageContaining("'search'")
				.withMessageContaining("64 lowercase hex");
		}
	}

	@Test
	void anUnknownModelInAnAllowListStopsStartUpNamingIt() {
		assertThatIllegalStateException()
			.isThrownBy(() -> directory(tenant("search", List.of(sha256("k")), List.of("gpt-embed"))))
			.withMessageContaining("'search'")
			.withMessageContaining("'gpt-embed'");
	}

	@Test
	void toStringShowsNoSecrets() {
		TenancyProperties.Tenant entry = new TenancyProperties.Tenant("search", List.of(sha256("k")), null,
				"sf-tenant-secret", null);
		TenantDirectory directory = directory(entry);

		assertThat(entry.toString()).doesNotContain("sf-tenant-secret");
		assertThat(directory.authenticate("Bearer k").toString()).doesNotContain("sf-tenant-secret");
	}

	static TenancyProperties.Tenant tenant(String id, List<String> digests, List<String> models) {
		return new TenancyProperties.Tenant(id, digests, models, null, null);
	}

	static TenantDirectory directory(TenancyProperties.Tenant... tenants) {
		return new TenantDirectory(new TenancyProperties(List.of(tenants)), Fixtures.catalog());
	}

}
