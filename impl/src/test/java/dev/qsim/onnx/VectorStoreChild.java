package dev.qsim.onnx;

/**
 * Creates a file-backed {@link VectorStore} and prints {@code file <path>} and {@code ready}; then,
 * with {@code wait}, waits to be killed, with {@code exit}, closes it and exits.
 */
public final class VectorStoreChild {
  private VectorStoreChild() {}

  public static void main(String[] args) throws Exception {
    int n = (int) (VectorStore.DIRECT_LIMIT_BYTES / (4 * 384)) + 1_000;
    VectorStore store = VectorStore.create(n, 384);
    store.set(n - 1, new float[384]);
    System.out.println("file " + store.file());
    System.out.println("ready");
    System.out.flush();
    if (args.length > 0 && args[0].equals("exit")) {
      store.close();
      return;
    }
    Thread.sleep(300_000);
  }
}
