package io.sfstream.emulator;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.zip.CRC32;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Pub/Sub replay ids: the journal position (the same long the Bayeux side calls replayId) sealed into 16 opaque
 * bytes, so that a client can store them but not compute, compare or step them. One AES block holds the position, a
 * checksum of the channel and a marker: bytes that were altered, cut, or taken from another topic do not open.
 * <p>
 * The key is fixed, so ids stay valid across emulator restarts on a data directory, as Salesforce's do.
 */
final class PubSubReplayIds {

    private static final int MARKER = 0x53465053; // "SFPS"
    private static final SecretKeySpec KEY = key();

    private PubSubReplayIds() {
    }

    private static SecretKeySpec key() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                .digest("camel-sfstream emulator replay ids".getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(digest, 0, 16, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static ByteString encode(String channel, long position) {
        ByteBuffer block = ByteBuffer.allocate(16).putLong(position).putInt(channelSum(channel)).putInt(MARKER);
        return ByteString.copyFrom(crypt(Cipher.ENCRYPT_MODE, block.array()));
    }

    /** The journal position sealed in {@code replayId} for {@code channel}, or null when the bytes do not open. */
    static Long decode(String channel, ByteString replayId) {
        if (replayId == null || replayId.size() != 16) {
            return null;
        }
        ByteBuffer block = ByteBuffer.wrap(crypt(Cipher.DECRYPT_MODE, replayId.toByteArray()));
        long position = block.getLong();
        if (block.getInt() != channelSum(channel) || block.getInt() != MARKER) {
            return null;
        }
        return position;
    }

    private static int channelSum(String channel) {
        CRC32 crc = new CRC32();
        crc.update(channel.getBytes(StandardCharsets.UTF_8));
        return (int) crc.getValue();
    }

    private static byte[] crypt(int mode, byte[] block) {
        try {
            Cipher cipher = Cipher.getInstance("AES/ECB/NoPadding");
            cipher.init(mode, KEY);
            return cipher.doFinal(block);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
