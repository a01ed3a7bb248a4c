package dev.rosetta.model.view;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.rosetta.model.HistogramPoint;
import dev.rosetta.model.Labels;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class BucketLayoutTest {

  @Test
  void explicitSnapsUpAndCollapsesDuplicates() {
    double[] in = {1, 2, 4, 8};
    assertThat(BucketLayout.explicit(3, 5, 100).keptBounds(in, 1)).containsExactly(2, 3);
    assertThat(BucketLayout.explicit(1.5, 1.7, 2).keptBounds(in, 1)).containsExactly(1);
    assertThat(BucketLayout.explicit(0.001).keptBounds(in, 1)).containsExactly(0);
    assertThat(BucketLayout.explicit(9).keptBounds(in, 1)).isEmpty();
    // bounds are in the output unit: input ms scaled to s
    assertThat(BucketLayout.explicit(0.002, 0.008).keptBounds(in, 0.001)).containsExactly(1, 3);
  }

  @Test
  void maxKeepsAtMostMaxBuckets() {
    for (int n = 0; n < 200; n++) {
      double[] in = new double[n];
      for (int i = 0; i < n; i++) {
        in[i] = i + 1;
      }
      for (int max = 1; max <= 25; max++) {
        int[] kept = BucketLayout.maxBuckets(max).keptBounds(in, 1);
        assertThat(kept.length + 1).isLessThanOrEqualTo(Math.max(max, 1)).isLessThanOrEqualTo(n + 1);
        if (n + 1 >= max) {
          assertThat(kept.length + 1).isEqualTo(max);
        }
        for (int i = 1; i < kept.length; i++) {
          assertThat(kept[i]).isGreaterThan(kept[i - 1]);
        }
        for (int k : kept) {
          assertThat(k).isBetween(0, n - 1);
        }
      }
    }
  }

  @Test
  void countsAndSumStayExactOnRandomHistograms() {
    Random random = new Random(7);
    for (int round = 0; round < 500; round++) {
      int n = random.nextInt(60);
      double[] bounds = new double[n];
      double b = random.nextDouble();
      for (int i = 0; i < n; i++) {
        b += 0.01 + random.nextDouble();
        bounds[i] = b;
      }
      long[] counts = new long[n + 1];
      for (int i = 0; i <= n; i++) {
        counts[i] = random.nextInt(1000);
      }
      long total = LongStream.of(counts).sum();
      HistogramPoint in = new HistogramPoint(Labels.empty(), 0, 1, bounds, counts, total, 123.5, Double.NaN, Double.NaN);
      BucketLayout layout = random.nextBoolean()
          ? BucketLayout.maxBuckets(1 + random.nextInt(20))
          : BucketLayout.explicit(1, 5, 10, 20, 40);
      HistogramPoint out = layout.apply(in, 1);
      assertThat(out.count()).isEqualTo(total);
      assertThat(LongStream.of(out.counts()).sum()).isEqualTo(total);
      assertThat(out.sum()).isEqualTo(123.5);
      assertThat(out.min()).isNaN();
      // every output bucket is the sum of the input buckets below its bound
      for (int j = 0; j < out.bounds().length; j++) {
        double bound = out.bounds()[j];
        long below = 0;
        long outBelow = 0;
        for (int i = 0; i < n && bounds[i] <= bound; i++) {
          below += counts[i];
        }
        for (int k = 0; k <= j; k++) {
          outBelow += out.counts()[k];
        }
        assertThat(outBelow).isEqualTo(below);
      }
    }
  }

  @Test
  void validation() {
    assertThatThrownBy(() -> BucketLayout.explicit()).hasMessageContaining("at least one bound");
    assertThatThrownBy(() -> BucketLayout.explicit(1, 1)).hasMessageContaining("increase strictly");
    assertThatThrownBy(() -> BucketLayout.explicit(Double.NaN)).hasMessageContaining("finite");
    assertThatThrownBy(() -> BucketLayout.maxBuckets(0)).hasMessageContaining("at least 1");
    assertThat(BucketLayout.maxBuckets(3)).hasToString("max 3").isEqualTo(BucketLayout.maxBuckets(3));
    assertThat(BucketLayout.explicit(1, 2)).hasToString("bounds [1.0, 2.0]");
  }
}
