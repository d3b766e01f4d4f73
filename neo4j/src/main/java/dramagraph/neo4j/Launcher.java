package dramagraph.neo4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;
import org.neo4j.io.ByteUnit;
import org.neo4j.io.fs.DefaultFileSystemAbstraction;
import org.neo4j.kernel.impl.security.User;
import org.neo4j.logging.NullLogProvider;
import org.neo4j.memory.EmptyMemoryTracker;
import org.neo4j.server.security.SecureHasher;
import org.neo4j.server.security.SystemGraphCredential;
import org.neo4j.server.security.auth.CommunitySecurityModule;
import org.neo4j.server.security.auth.FileUserRepository;

/**
 * Usage: Launcher HOME_DIR PORT [--watch-stdin]
 * Bolt on 127.0.0.1:PORT. Auth is on with user neo4j when NEO4J_PASSWORD is set, off otherwise.
 * NEO4J_LISTEN_ADDRESS (e.g. 0.0.0.0 in a container) listens there instead, advertising no 127.0.0.1 address;
 * routing tables name the address each client connected to either way.
 * --watch-stdin: shut down when standard input closes (the parent process died).
 * Prints "NEO4J_READY bolt://127.0.0.1:PORT" once the default database is available.
 */
public final class Launcher {
  public static void main(String[] args) {
    try {
      run(args);
    } catch (Throwable e) {
      e.printStackTrace();
      System.err.println("NEO4J_FAILED " + e);
      System.exit(1);
    }
  }

  private static void run(String[] args) throws Exception {
    if (args.length < 2) throw new IllegalArgumentException("usage: Launcher HOME_DIR PORT [--watch-stdin]");
    Path home = Path.of(args[0]).toAbsolutePath();
    int port = Integer.parseInt(args[1]);
    String password = System.getenv().getOrDefault("NEO4J_PASSWORD", "");
    String host = System.getenv().getOrDefault("NEO4J_LISTEN_ADDRESS", "").trim();
    boolean local = host.isEmpty() || host.equals("127.0.0.1");
    SocketAddress address = new SocketAddress(local ? "127.0.0.1" : host, port);
    Path marker = home.resolve("data/dbms/launcher-password.sha256");
    boolean fresh = !Files.exists(home.resolve("data/databases/system"));
    if (fresh && !password.isEmpty()) writeInitialPassword(home, password);

    DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home)
        .setConfig(GraphDatabaseSettings.default_listen_address, new SocketAddress(address.getHostname()))
        .setConfig(BoltConnector.listen_address, address);
    if (local) {
      builder
          .setConfig(GraphDatabaseSettings.default_advertised_address, new SocketAddress("127.0.0.1"))
          .setConfig(BoltConnector.advertised_address, address);
    }
    DatabaseManagementService dbms = builder
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofMillis(500))
        .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofMillis(500))
        .setConfig(HttpConnector.enabled, false)
        .setConfig(HttpsConnector.enabled, false)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb()))
        .setConfig(GraphDatabaseSettings.auth_enabled, !password.isEmpty())
        .setConfig(GraphDatabaseSettings.udc_enabled, false)
        .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown, "neo4j-shutdown"));

    if (!dbms.database("neo4j").isAvailable(120_000)) throw new IllegalStateException("database neo4j is not available");
    if (!password.isEmpty() && !fresh && !sha256(password).equals(readOrEmpty(marker))) {
      try {
        dbms.database("system").executeTransactionally(
            "ALTER USER neo4j SET PASSWORD $p CHANGE NOT REQUIRED", Map.of("p", password));
      } catch (QueryExecutionException e) {
        if (!e.getMessage().contains("cannot be the same")) throw e;
      }
    }
    if (!password.isEmpty()) Files.writeString(marker, sha256(password));

    if (args.length > 2 && args[2].equals("--watch-stdin")) {
      Thread watcher = new Thread(() -> {
        try {
          while (System.in.read() != -1) { }
        } catch (Exception ignored) { }
        System.exit(0);
      }, "stdin-watch");
      watcher.setDaemon(true);
      watcher.start();
    }

    System.out.println("NEO4J_READY bolt://127.0.0.1:" + port);
    System.out.flush();
    new CountDownLatch(1).await();
  }

  /** What neo4j-admin dbms set-initial-password does: data/dbms/auth.ini, read when the system database is created. */
  private static void writeInitialPassword(Path home, String password) throws Exception {
    Config config = Config.newBuilder().set(GraphDatabaseSettings.neo4j_home, home).build();
    Path file = CommunitySecurityModule.getInitialUserRepositoryFile(config);
    Files.createDirectories(file.getParent());
    Files.deleteIfExists(file);
    FileUserRepository users = new FileUserRepository(
        new DefaultFileSystemAbstraction(), file, NullLogProvider.getInstance(), EmptyMemoryTracker.INSTANCE);
    users.start();
    users.create(new User("neo4j", null,
        SystemGraphCredential.createCredentialForPassword(password.getBytes(StandardCharsets.UTF_8), new SecureHasher()),
        false, false));
    users.shutdown();
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String readOrEmpty(Path file) throws Exception {
    return Files.exists(file) ? Files.readString(file).trim() : "";
  }

  static long pagecacheMb() {
    String value = System.getenv("NEO4J_PAGECACHE_MB");
    return value == null || value.isBlank() ? 256 : Long.parseLong(value.trim());
  }
}
