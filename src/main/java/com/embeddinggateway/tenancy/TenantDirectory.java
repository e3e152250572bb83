package com.embeddinggateway.tenancy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import com.embeddinggateway.catalog.ModelCatalog;
import com.embeddinggateway.catalog.ModelSpec;
import com.embeddinggateway.upstream.ApiKey;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.stereotype.Component;

/**
 * Resolves the {@code Authorization: Bearer} key of a request to its tenant. Only digests
 * are held; every lookup compares the presented key's digest with all of them, without
 * stopping at a match, so timing says nothing about which keys exist.
 */
@Component
public class TenantDirectory {

	private static final Log logger = LogFactory.getLog(TenantDirectory.class);

	private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

	private final byte[][] digests;

	private final Tenant[] owners;

	/** A tenant admitted for a while (the warm-up's), with its key's digest. */
	private volatile @Nullable Temporary temporary;

	public TenantDirectory(TenancyProperties properties, ModelCatalog catalog) {
		List<byte[]> digestList = new ArrayList<>();
		List<Tenant> ownerList = new ArrayList<>();
		Set<String> seenDigests = new HashSet<>();
		Set<String> seenIds = new HashSet<>();
		for (TenancyProperties.Tenant entry : properties.tenants()) {
			String where = "gateway.tenants entry '" + entry.id() + "'";
			if (!seenIds.add(entry.id())) {
				throw new IllegalStateException(where + ": tenant id is used twice");
			}
			if (entry.apiKeySha256().isEmpty()) {
				throw new IllegalStateException(where + ": api-key-sha256 needs at least one digest");
			}
			Tenant tenant = new Tenant(entry.id(), allowedModels(entry, catalog, where),
					ApiKey.of(entry.upstreamApiKey()));
			for (String digest : entry.apiKeySha256()) {
				if (!SHA256_HEX.matcher(digest).matches()) {
					throw new IllegalStateException(
							where + ": api-key-sha256 must be 64 lowercase hex characters (printf %s KEY | sha256sum)");
				}
				if (!seenDigests.add(digest)) {
					throw new IllegalStateException(where + ": api-key-sha256 digest " + digest.substring(0, 8)
							+ "... is already used by a tenant");
				}
				digestList.add(HexFormat.of().parseHex(digest));
				ownerList.add(tenant);
			}
		}
		this.digests = digestList.toArray(new byte[0][]);
		this.owners = ownerList.toArray(new Tenant[0]);
		if (this.owners.length == 0) {
			logger.warn("No tenants configured: every request will be refused with 401. Add one with "
					+ "gateway.tenants[0].id=my-service and gateway.tenants[0].api-key-sha256[0]=<digest>, "
					+ "where the digest is the output of: printf %s 'the-key' | sha256sum");
		}
		else {
			logger.info(seenIds.size() + " tenant(s) configured");
		}
	}

	private static @Nullable Set<String> allowedModels(TenancyProperties.Tenant entry, ModelCatalog catalog,
			String where) {
		if (entry.models() == null) {
			return null;
		}
		Set<String> names = new LinkedHashSet<>();
		for (String model : entry.models()) {
			ModelSpec spec = catalog.find(model)
				.orElseThrow(() -> new IllegalStateException(
						where + ": model '" + model + "' is not in the catalog (built-in models or gateway.models)"));
			names.add(spec.name());
		}
		return Set.copyOf(names);
	}

	/** The tenant owning the bearer key in this {@code Authorization} header value. */
	public Tenant authenticate(@Nullable String authorization) {
		String key = bearerKey(authorization);
		if (key == null) {
			throw new InvalidApiKeyException("You didn't provide an API key. Send it in the Authorization header "
					+ "as 'Authorization: Bearer YOUR_KEY'.");
		}
		byte[] presented = sha256(key);
		Tenant match = null;
		for (int i = 0; i < this.digests.length; i++) {
			if (MessageDigest.isEqual(this.digests[i], presented) && match == null) {
				match = this.owners[i];
			}
		}
		Temporary admitted = this.temporary;
		if (admitted != null && MessageDigest.isEqual(admitted.digest(), presented) && match == null) {
			match = admitted.tenant();
		}
		if (match == null) {
			throw new InvalidApiKeyException("Incorrect API key provided.");
		}
		return match;
	}

	/**
	 * Admits {@code tenant} with {@code key} until the returned action runs: for the
	 * gateway's own warm-up, whose random key never leaves the process.
	 */
	public Runnable admitTemporarily(Tenant tenant, String key) {
		Temporary admitted = new Temporary(tenant, sha256(key));
		this.temporary = admitted;
		return () -> {
			if (this.temporary == admitted) {
				this.temporary = null;
			}
		};
	}

	private record Temporary(Tenant tenant, byte[] digest) {
	}

	private static @Nullable String bearerKey(@Nullable String authorization) {
		if (authorization == null) {
			return null;
		}
		String value = authorization.strip();
		if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
			value = value.substring(7).strip();
		}
		return value.isEmpty() ? null : value;
	}

	private static byte[] sha256(String key) {
		try {
			return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is part of every Java runtime", ex);
		}
	}

}
