package dsys.lock.lease;

import dsys.core.sim.MemoryDurable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Records are a hold's name and token together: the same token under two names is two holds. */
class HoldRecordsTest {

    private static final long MS = 1_000_000L;

    @Test
    void twoNamesWithOneTokenAreTwoRecordsAndEachEndsAlone() {
        MemoryDurable disk = new MemoryDurable();
        HoldRecords records = new HoldRecords(disk, 0.0);
        long token = Fencing.token(3, 1, 2);
        records.record(new HoldInfo("a", "alice", token, 1_000, 1_000), 0);
        records.record(new HoldInfo("b", "bob", token, 1_000, 1_000), 10 * MS);
        records.ended(new HoldKey("a", token));
        assertThat(records.report(20 * MS)).extracting(HoldInfo::name).containsExactly("b");

        HoldRecords restarted = new HoldRecords(disk, 0.0);
        restarted.restore(30 * MS);
        assertThat(restarted.report(30 * MS)).extracting(HoldInfo::name).containsExactly("b");
    }

    @Test
    void aRecordStoredByTokenAloneIsMovedAndEndsLikeAnyOther() {
        MemoryDurable disk = new MemoryDurable();
        long token = Fencing.token(3, 1, 2);
        disk.put("record/" + token, String.join("\u001f", "a", "alice", Long.toString(token), "1000"));
        HoldRecords records = new HoldRecords(disk, 0.0);
        records.restore(0);
        assertThat(records.report(0)).extracting(HoldInfo::name).containsExactly("a");
        records.ended(new HoldKey("a", token));
        assertThat(disk.scan("record/")).isEmpty();
    }
}
