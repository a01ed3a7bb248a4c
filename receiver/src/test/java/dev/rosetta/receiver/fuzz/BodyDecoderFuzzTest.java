package dev.rosetta.receiver.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.rosetta.receiver.server.BodyDecoder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.Arrays;

/**
 * Body decompression (Content-Encoding gzip, deflate, zstd, identity): one of the three documented
 * refusals (413, 415, 400), or the body, never longer than the limit. The first byte picks the
 * encoding, the next three the limit (up to 16 MiB), the rest is the body.
 */
class BodyDecoderFuzzTest {
  private static final String[] ENCODINGS = {"gzip", "deflate", "zstd", "identity", "", "x-gzip", "GZip ", "br"};

  @FuzzTest(maxDuration = "10s")
  void decode(byte[] input) {
    if (input.length < 4) {
      return;
    }
    String encoding = ENCODINGS[(input[0] & 0xff) % ENCODINGS.length];
    long limit = ((input[1] & 0xffL) << 16) | ((input[2] & 0xffL) << 8) | (input[3] & 0xffL);
    ByteBuf buf = Unpooled.wrappedBuffer(Arrays.copyOfRange(input, 4, input.length));
    try {
      byte[] out = BodyDecoder.decode(buf, encoding, limit);
      assertThat((long) out.length).isLessThanOrEqualTo(limit);
      assertThat(buf.readerIndex()).isZero();
    } catch (BodyDecoder.TooLargeException | BodyDecoder.UnsupportedEncodingException
        | BodyDecoder.CorruptBodyException e) {
      assertThat(e.getMessage()).isNotBlank();
    } finally {
      buf.release();
    }
  }
}
