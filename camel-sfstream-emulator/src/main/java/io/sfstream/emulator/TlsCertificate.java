package io.sfstream.emulator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * A self-signed certificate for {@code localhost} and {@code 127.0.0.1} (EC P-256, valid for a day), made when the
 * emulator starts, so that clients that only speak TLS (Salesforce's Pub/Sub endpoint has no plaintext) can connect
 * with it as their only trust anchor. The JDK has no public API to issue a certificate, so the few DER structures of
 * an X.509 v3 certificate are written here.
 */
final class TlsCertificate {

    /** Password of the trust store {@link #writeTrustStore} writes. */
    static final String TRUST_STORE_PASSWORD = "changeit";

    private final PrivateKey privateKey;
    private final X509Certificate certificate;

    private TlsCertificate(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.certificate = certificate;
    }

    static TlsCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair keys = generator.generateKeyPair();
            byte[] algorithm = seq(oid(new int[] {1, 2, 840, 10045, 4, 3, 2})); // ecdsa-with-SHA256
            byte[] name = seq(set(seq(oid(new int[] {2, 5, 4, 3}), tlv(0x0C, bytes("localhost")))));
            ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
            DateTimeFormatter utc = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'");
            byte[] validity = seq(tlv(0x17, bytes(utc.format(now.minusHours(1)))),
                tlv(0x17, bytes(utc.format(now.plusDays(1)))));
            byte[] altNames = seq(tlv(0x82, bytes("localhost")), tlv(0x87, new byte[] {127, 0, 0, 1}));
            byte[] extensions = tlv(0xA3, seq(seq(oid(new int[] {2, 5, 29, 17}), tlv(0x04, altNames))));
            byte[] tbs = seq(
                tlv(0xA0, tlv(0x02, new byte[] {2})),                       // version v3
                tlv(0x02, new BigInteger(63, new SecureRandom()).add(BigInteger.ONE).toByteArray()),
                algorithm, name, validity, name,
                keys.getPublic().getEncoded(),                              // SubjectPublicKeyInfo, already DER
                extensions);
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(keys.getPrivate());
            signer.update(tbs);
            byte[] signature = signer.sign();
            byte[] bitString = new byte[signature.length + 1];
            System.arraycopy(signature, 0, bitString, 1, signature.length);
            byte[] der = seq(tbs, algorithm, tlv(0x03, bitString));
            X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(der));
            cert.verify(keys.getPublic());
            return new TlsCertificate(keys.getPrivate(), cert);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot make the emulator's TLS certificate", e);
        }
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    X509Certificate certificate() {
        return certificate;
    }

    /** The certificate in PEM. */
    String pem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(certificate.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A PKCS12 trust store holding only this certificate, password {@value #TRUST_STORE_PASSWORD}. */
    Path writeTrustStore(Path file) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("sfstream-emulator", certificate);
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = Files.newOutputStream(file)) {
                store.store(out, TRUST_STORE_PASSWORD.toCharArray());
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- DER

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] seq(byte[]... parts) {
        return tlv(0x30, concat(parts));
    }

    private static byte[] set(byte[]... parts) {
        return tlv(0x31, concat(parts));
    }

    private static byte[] oid(int[] arcs) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(arcs[0] * 40 + arcs[1]);
        for (int i = 2; i < arcs.length; i++) {
            int v = arcs[i];
            int groups = 1;
            while ((v >>> (7 * groups)) != 0) {
                groups++;
            }
            for (int g = groups - 1; g >= 0; g--) {
                int b = (v >>> (7 * g)) & 0x7f;
                out.write(g == 0 ? b : b | 0x80);
            }
        }
        return tlv(0x06, out.toByteArray());
    }

    private static byte[] tlv(int tag, byte[] value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length + 4);
        out.write(tag);
        int n = value.length;
        if (n < 0x80) {
            out.write(n);
        } else if (n < 0x100) {
            out.write(0x81);
            out.write(n);
        } else {
            out.write(0x82);
            out.write(n >>> 8);
            out.write(n & 0xff);
        }
        out.writeBytes(value);
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
