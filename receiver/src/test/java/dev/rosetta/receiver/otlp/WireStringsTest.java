package dev.rosetta.receiver.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WireStringsTest {
  private static byte[] framed(String s, int before) {
    byte[] body = s.getBytes(StandardCharsets.UTF_8);
    byte[] b = new byte[before + body.length + 3];
    java.util.Arrays.fill(b, (byte) 'x');
    System.arraycopy(body, 0, b, before, body.length);
    return b;
  }

  @Test
  void theSameBytesAnywhereInABufferGiveOneSharedString() {
    String name = "/cpu/classes/gc/mark/assist:cpu-seconds";
    byte[] a = framed(name, 0);
    byte[] b = framed(name, 13);
    String first = WireStrings.utf8(a, 0, name.length());
    assertThat(first).isEqualTo(name);
    assertThat(WireStrings.utf8(b, 13, name.length())).isSameAs(first);
  }

  @Test
  void namesThatDifferInAnyOneByteOrInLengthAreNeverConfused() {
    // every length around the eight-byte steps, each changed at every position
    for (int len = 1; len <= 40; len++) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < len; i++) {
        sb.append((char) ('a' + i % 26));
      }
      String base = sb.toString();
      byte[] bytes = framed(base, 5);
      assertThat(WireStrings.utf8(bytes, 5, len)).isEqualTo(base);
      assertThat(WireStrings.utf8(bytes, 5, len - 1)).isEqualTo(base.substring(0, len - 1));
      for (int pos = 0; pos < len; pos++) {
        char[] c = base.toCharArray();
        c[pos] = 'Z';
        String changed = new String(c);
        byte[] other = framed(changed, 2);
        assertThat(WireStrings.utf8(other, 2, len)).isEqualTo(changed);
        assertThat(WireStrings.utf8(bytes, 5, len)).isEqualTo(base);
      }
    }
  }

  @Test
  void theHashSpreadsNamesThatShareLongPrefixes() {
    Set<Integer> slots = new HashSet<>();
    for (int i = 0; i < 1000; i++) {
      byte[] b = ("/godebug/non-default-behavior/setting" + i + ":events").getBytes(StandardCharsets.UTF_8);
      slots.add(WireStrings.hash(b, 0, b.length) & (WireStrings.SLOTS - 1));
    }
    // a thousand names in 8,192 slots: a uniform hash leaves about 940 distinct
    assertThat(slots.size()).isGreaterThan(900);
  }

  @Test
  void twoNamesOfOneSetBothStayShared() {
    // find two names whose hashes pick the same pair of slots
    java.util.Map<Integer, String> bySet = new java.util.HashMap<>();
    String a = null;
    String b = null;
    for (int i = 0; a == null; i++) {
      String name = "/sched/set-test-" + i + ":events";
      byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
      int h = WireStrings.hash(bytes, 0, bytes.length);
      String other = bySet.putIfAbsent(WireStrings.pair(h), name);
      if (other != null) {
        a = other;
        b = name;
      }
    }
    byte[] ab = a.getBytes(StandardCharsets.UTF_8);
    byte[] bb = b.getBytes(StandardCharsets.UTF_8);
    String sharedA = WireStrings.utf8(ab, 0, ab.length);
    String sharedB = WireStrings.utf8(bb, 0, bb.length);
    for (int round = 0; round < 3; round++) {
      assertThat(WireStrings.utf8(ab.clone(), 0, ab.length)).isSameAs(sharedA);
      assertThat(WireStrings.utf8(bb.clone(), 0, bb.length)).isSameAs(sharedB);
    }
  }

  @Test
  void invalidUtf8IsNullAndLongStringsAreDecodedEachTime() {
    byte[] bad = {'a', (byte) 0xC3, 'b'};
    assertThat(WireStrings.utf8(bad, 0, bad.length)).isNull();
    byte[] accented = "caf\u00e9".getBytes(StandardCharsets.UTF_8);
    assertThat(WireStrings.utf8(accented, 0, accented.length)).isEqualTo("caf\u00e9");
    String longValue = "v".repeat(WireStrings.MAX_CACHED + 1);
    byte[] l = longValue.getBytes(StandardCharsets.UTF_8);
    assertThat(WireStrings.utf8(l, 0, l.length)).isEqualTo(longValue);
    assertThat(WireStrings.utf8(l, 0, 0)).isEmpty();
  }
}
