package io.sfstream.camel.pubsub;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HexFormat;
import java.util.List;

import org.apache.avro.Schema;

/**
 * Change events' {@code changedFields}, {@code nulledFields} and {@code diffFields} as field names. Salesforce sends them
 * as bitmaps over the Avro schema's fields: {@code 0x...} names top-level fields (the hex digits are bytes in reverse
 * order; bit i is the i-th field of the schema), {@code p-0x...} names nested fields of the compound field at position
 * p (its record is the non-null branch of the field's union). A nested field comes out as {@code Parent.Child}; when
 * every nested field of a compound field is named, the compound field's own name stands for them. Anything else is
 * kept as it came.
 */
final class Bitmaps {

    private Bitmaps() {
    }

    static List<String> names(Schema event, List<String> bitmaps) {
        List<String> names = new ArrayList<>();
        for (String element : bitmaps) {
            if (element.startsWith("0x")) {
                BitSet bits = bits(element.substring(2));
                if (bits == null) {
                    names.add(element);
                    continue;
                }
                List<Schema.Field> fields = event.getFields();
                for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                    names.add(i < fields.size() ? fields.get(i).name() : element);
                }
                continue;
            }
            int dash = element.indexOf("-0x");
            Schema.Field parent = dash > 0 ? field(event, element.substring(0, dash)) : null;
            Schema compound = parent == null ? null : compound(parent.schema());
            BitSet bits = compound == null ? null : bits(element.substring(dash + 3));
            if (bits == null) {
                names.add(element);
                continue;
            }
            List<Schema.Field> nested = compound.getFields();
            if (bits.cardinality() == nested.size() && bits.nextSetBit(nested.size()) < 0) {
                names.add(parent.name());
                continue;
            }
            for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
                names.add(i < nested.size() ? parent.name() + "." + nested.get(i).name() : element);
            }
        }
        return names;
    }

    private static Schema.Field field(Schema event, String position) {
        try {
            int p = Integer.parseInt(position);
            return p >= 0 && p < event.getFields().size() ? event.getFields().get(p) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The record of a compound field: itself, or the record branch of its union; else null. */
    static Schema compound(Schema field) {
        if (field.getType() == Schema.Type.RECORD) {
            return field;
        }
        if (field.getType() == Schema.Type.UNION) {
            for (Schema branch : field.getTypes()) {
                if (branch.getType() == Schema.Type.RECORD) {
                    return branch;
                }
            }
        }
        return null;
    }

    /** The bits of big-endian hex digits (little-endian bit numbering), or null when they are not hex. */
    private static BitSet bits(String hex) {
        if (hex.isEmpty()) {
            return null;
        }
        String even = hex.length() % 2 == 0 ? hex : "0" + hex;
        byte[] bigEndian;
        try {
            bigEndian = HexFormat.of().parseHex(even);
        } catch (IllegalArgumentException e) {
            return null;
        }
        byte[] littleEndian = new byte[bigEndian.length];
        for (int i = 0; i < bigEndian.length; i++) {
            littleEndian[i] = bigEndian[bigEndian.length - 1 - i];
        }
        return BitSet.valueOf(littleEndian);
    }
}
