package dev.qsim.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketImpl;
import java.net.SocketImplFactory;
import java.net.URI;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import picocli.CommandLine;

/**
 * The child of {@link NoNetworkTest}. Before anything else (before any qsim or DJL class loads) it
 * installs two recorders of outbound connections:
 *
 * <ul>
 *   <li>a {@link SocketImplFactory}: every {@link Socket} of the JVM, whether it goes through a
 *       proxy or not ({@code HttpURLConnection} with {@code Proxy.NO_PROXY}, which is how DJL
 *       downloads and reports usage), connects through it; its sockets record the address and
 *       refuse to connect;
 *   <li>a {@link ProxySelector}, which every {@code URL} connection without an explicit proxy
 *       consults, recording the URL.
 * </ul>
 *
 * <p>Then it runs qsim's commands in this JVM as a user's {@code java -jar qsim.jar} would (the
 * bundled model, no system properties set), starts DJL's default engine (where DJL reports usage
 * over HTTP unless told not to), and prints {@code CONNECTIONS n} and what was attempted.
 *
 * <p>Arguments: a work folder, a labelled pair file (BiMPM format), and {@code all}, {@code
 * similarity} or {@code control}. {@code control} runs {@code similarity} and then connects itself,
 * the way DJL's usage report would (an {@code HttpURLConnection} to the EC2 metadata address with
 * {@code Proxy.NO_PROXY}) and the way a plain {@code URL} download would: both must be recorded,
 * which proves the check can fail.
 */
final class NoNetworkChild {
  private static final List<String> ATTEMPTS = Collections.synchronizedList(new ArrayList<>());

  private NoNetworkChild() {}

  @SuppressWarnings("deprecation") // setSocketImplFactory: still the one hook under every Socket
  public static void main(String[] args) throws IOException {
    List<String> attempts = ATTEMPTS;
    Socket.setSocketImplFactory(RefusingSocket::new);
    ProxySelector.setDefault(
        new ProxySelector() {
          @Override
          public List<Proxy> select(URI uri) {
            attempts.add(uri.toString());
            Proxy.Type type = "socket".equals(uri.getScheme()) ? Proxy.Type.SOCKS : Proxy.Type.HTTP;
            return List.of(new Proxy(type, new InetSocketAddress("127.0.0.1", 1)));
          }

          @Override
          public void connectFailed(URI uri, SocketAddress address, IOException e) {
            // Expected: the port is closed.
          }
        });
    String work = args[0];
    String data = args[1];
    boolean all = "all".equals(args[2]);
    boolean control = "control".equals(args[2]);
    int failed = 0;
    failed += run("similarity", "How do I learn Java?", "What is the best way to learn Java?");
    if (all) {
      java.nio.file.Files.writeString(
          java.nio.file.Path.of(work, "questions.txt"),
          "How do I learn Java?\nWhat is the best way to learn Java?\nHow old is the moon?\n");
      failed +=
          run(
              "dedupe",
              "-i",
              work + "/questions.txt",
              "-o",
              work + "/groups.jsonl",
              "--no-progress");
      failed +=
          run(
              "eval",
              "--data",
              data,
              "--format",
              "bimpm",
              "--report",
              work + "/report",
              "--no-progress");
      failed += run("calibrate", "--data", data, "--format", "bimpm", "--no-progress");
    }
    // DJL's default engine: where DJL reports usage over HTTP unless it is offline or opted out
    // (what qsim arranges before any DJL class loads).
    ai.djl.engine.Engine.getInstance();
    if (control) {
      connect(new URL("http://169.254.169.254/latest/meta-data/instance-type"), Proxy.NO_PROXY);
      connect(new URL("http://qsim.invalid/model.onnx"), null);
    }
    System.out.println("ai.djl.offline=" + System.getProperty("ai.djl.offline"));
    System.out.println("CONNECTIONS " + attempts.size());
    synchronized (attempts) {
      attempts.forEach(a -> System.out.println("CONNECTION " + a));
    }
    System.out.println(failed == 0 ? "COMMANDS OK" : "COMMANDS FAILED " + failed);
    System.exit(0);
  }

  /** A socket that records where it was asked to connect and refuses. */
  private static final class RefusingSocket extends SocketImpl {
    private void refuse(String where) throws IOException {
      ATTEMPTS.add("socket " + where);
      throw new ConnectException("connections are refused in this test: " + where);
    }

    @Override
    protected void create(boolean stream) {}

    @Override
    protected void connect(String host, int port) throws IOException {
      refuse(host + ":" + port);
    }

    @Override
    protected void connect(InetAddress address, int port) throws IOException {
      refuse(address + ":" + port);
    }

    @Override
    protected void connect(SocketAddress address, int timeout) throws IOException {
      refuse(String.valueOf(address));
    }

    @Override
    protected void bind(InetAddress host, int port) throws IOException {
      throw new IOException("not supported in this test");
    }

    @Override
    protected void listen(int backlog) throws IOException {
      throw new IOException("not supported in this test");
    }

    @Override
    protected void accept(SocketImpl s) throws IOException {
      throw new IOException("not supported in this test");
    }

    @Override
    protected InputStream getInputStream() throws IOException {
      throw new IOException("not connected");
    }

    @Override
    protected OutputStream getOutputStream() throws IOException {
      throw new IOException("not connected");
    }

    @Override
    protected int available() {
      return 0;
    }

    @Override
    protected void close() {}

    @Override
    protected void sendUrgentData(int data) throws IOException {
      throw new IOException("not connected");
    }

    @Override
    public void setOption(int optID, Object value) {}

    @Override
    public Object getOption(int optID) {
      return null;
    }
  }

  /** Connects as DJL's own code does; the recorders refuse, so this only records the attempt. */
  private static void connect(URL url, Proxy proxy) {
    try {
      HttpURLConnection connection =
          (HttpURLConnection) (proxy == null ? url.openConnection() : url.openConnection(proxy));
      connection.setConnectTimeout(1000);
      connection.connect();
      connection.disconnect();
      System.out.println("CONTROL CONNECTED " + url + " (the recorder did not refuse)");
    } catch (IOException expected) {
      // Refused by the recorders.
    }
  }

  private static int run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = QsimCli.newCommandLine(ModelFactory.ONNX);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int code = cli.execute(args);
    if (code != 0) {
      System.out.println("qsim " + String.join(" ", args) + " exited " + code + ":\n" + out + err);
    }
    return code == 0 ? 0 : 1;
  }
}
