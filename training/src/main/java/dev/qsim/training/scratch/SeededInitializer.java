package dev.qsim.training.scratch;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Initialises one parameter from a Java random generator seeded by the encoder's seed and the
 * parameter's name, so that initial weights depend neither on the engine's random state nor on the
 * order in which parameters are initialised.
 *
 * <p>Immutable and thread-safe (every call starts a fresh generator from the same seed).
 */
final class SeededInitializer implements Initializer {

  /** How values are drawn. */
  enum Scheme {
    /** Standard normal values times the scale. */
    NORMAL,
    /** Uniform values in {@code [-scale, scale]}. */
    UNIFORM,
    /** Glorot/Xavier uniform: bound {@code sqrt(6 / (fanIn + fanOut))}; the scale is ignored. */
    XAVIER_UNIFORM,
    /** He/Kaiming uniform for ReLU layers: bound {@code sqrt(6 / fanIn)}; the scale is ignored. */
    KAIMING_UNIFORM,
    /** Zeros. */
    ZEROS
  }

  private final Scheme scheme;
  private final double scale;
  private final long seed;

  SeededInitializer(Scheme scheme, double scale, long encoderSeed, String parameterName) {
    this.scheme = scheme;
    this.scale = scale;
    this.seed = mix(encoderSeed, parameterName);
  }

  @Override
  public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
    float[] values = values(shape);
    NDArray array = manager.create(values, shape);
    return dataType == DataType.FLOAT32 ? array : array.toType(dataType, false);
  }

  /** The values for a parameter of this shape (row-major). */
  float[] values(Shape shape) {
    float[] values = new float[Math.toIntExact(shape.size())];
    if (scheme == Scheme.ZEROS) {
      return values;
    }
    double bound = bound(shape);
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < values.length; i++) {
      double draw = scheme == Scheme.NORMAL ? gaussian(random) : random.nextDouble(-1.0, 1.0);
      values[i] = (float) (draw * bound);
    }
    return values;
  }

  private double bound(Shape shape) {
    long receptive = shape.dimension() > 2 ? shape.slice(2).size() : 1;
    long fanIn = shape.dimension() > 1 ? shape.get(1) * receptive : shape.get(0);
    long fanOut = shape.get(0) * receptive;
    return switch (scheme) {
      case XAVIER_UNIFORM -> Math.sqrt(6.0 / (fanIn + fanOut));
      case KAIMING_UNIFORM -> Math.sqrt(6.0 / fanIn);
      default -> scale;
    };
  }

  /** A standard normal draw by the Box–Muller transform (SplittableRandom has no nextGaussian). */
  private static double gaussian(SplittableRandom random) {
    double u = 1.0 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
  }

  private static long mix(long seed, String name) {
    long h = seed * 0x9E3779B97F4A7C15L + 0xCBF29CE484222325L;
    for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ b) * 0x100000001B3L;
    }
    return h ^ (h >>> 31);
  }
}
