package io.sfstream.camel.pubsub;

import java.util.List;

import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BitmapsTest {

    private static final Schema EVENT = new Schema.Parser().parse("""
            {"type":"record","name":"AccountChangeEvent","fields":[
              {"name":"ChangeEventHeader","type":"string"},
              {"name":"Name","type":["null","string"]},
              {"name":"BillingAddress","type":["null",{"type":"record","name":"Address","fields":[
                {"name":"Street","type":["null","string"]},{"name":"City","type":["null","string"]}]}]},
              {"name":"F3","type":["null","string"]},{"name":"F4","type":["null","string"]},
              {"name":"F5","type":["null","string"]},{"name":"F6","type":["null","string"]},
              {"name":"F7","type":["null","string"]},{"name":"F8","type":["null","string"]},
              {"name":"F9","type":["null","string"]}]}""");

    @Test
    void topLevelBitsNameFieldsByPositionWithTheBytesReversed() {
        // bit 1 (Name) and bit 9 (F9): bytes 0x02 0x02 little-endian, sent as 0x0202
        assertThat(Bitmaps.names(EVENT, List.of("0x0202"))).containsExactly("Name", "F9");
        // bit 8 alone: little-endian 00 01, sent as 0x0100
        assertThat(Bitmaps.names(EVENT, List.of("0x0100"))).containsExactly("F8");
        assertThat(Bitmaps.names(EVENT, List.of("0x2"))).containsExactly("Name");
    }

    @Test
    void nestedBitsNameCompoundParts() {
        assertThat(Bitmaps.names(EVENT, List.of("2-0x02"))).containsExactly("BillingAddress.City");
        assertThat(Bitmaps.names(EVENT, List.of("0x02", "2-0x03"))).containsExactly("Name", "BillingAddress");
    }

    @Test
    void anythingElseIsKeptAsItCame() {
        assertThat(Bitmaps.names(EVENT, List.of("Name", "0xZZ", "9-0x01", "x-0x01")))
                .containsExactly("Name", "0xZZ", "9-0x01", "x-0x01");
    }
}
