package dev.qsim.io;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Set;

/**
 * qsim's one per-user cache folder, for what it makes once and reuses: int8 copies of models, the
 * native libraries of ONNX Runtime and DJL, and embeddings ({@link EmbeddingCache}). It is the
 * system property {@value #PROPERTY}, else the environment variable {@value #ENV}, else {@code
 * ~/.cache/qsim}; when the home directory cannot hold it (read-only, or not set), {@code
 * <java.io.tmpdir>/qsim-cache-<user>}, made readable by its owner only and refused if another user
 * owns it. Folders this class creates get mode {@code 0700} where the file system has POSIX
 * permissions.
 *
 * <p>Stateless and thread-safe.
 */
public final class CacheDirectory {
  /** The system property that names the cache folder. */
  public static final String PROPERTY = "qsim.cache.dir";

  /** The environment variable that names the cache folder. */
  public static final String ENV = "QSIM_CACHE_DIR";

  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rwx------");

  private CacheDirectory() {}

  /**
   * The cache folder in use (not created).
   *
   * @return the folder the property or environment names, else the home one if the home directory
   *     is writable, else the per-user one in the temporary directory
   */
  public static Path root() {
    String dir = System.getProperty(PROPERTY);
    if (dir == null || dir.isBlank()) {
      dir = System.getenv(ENV);
    }
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    String home = System.getProperty("user.home");
    if (home != null && !home.isBlank() && !home.equals("?")) {
      Path cache = Path.of(home, ".cache", "qsim");
      if (writableOrCreatable(cache)) {
        return cache;
      }
    }
    String user = System.getProperty("user.name", "user").replaceAll("[^A-Za-z0-9._-]", "_");
    return Path.of(System.getProperty("java.io.tmpdir"), "qsim-cache-" + user);
  }

  /**
   * Creates {@code dir} (and its parents) if needed, private to this user, and checks that this
   * user owns it.
   *
   * @param dir a folder inside the cache
   * @return {@code dir}
   * @throws IOException if it cannot be created, or another user owns the cache folder
   */
  public static Path create(Path dir) throws IOException {
    Path root = root().toAbsolutePath().normalize();
    Path target = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      createPrivate(root);
    }
    checkOwner(root);
    if (!Files.isDirectory(target)) {
      createPrivate(target);
    }
    return target;
  }

  private static void createPrivate(Path dir) throws IOException {
    Path parent = dir.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      createPrivate(parent);
    }
    try {
      if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } else {
        Files.createDirectory(dir);
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      if (!Files.isDirectory(dir)) {
        throw e;
      }
    }
  }

  /**
   * Refuses a cache folder that another user owns (someone could have made {@code
   * /tmp/qsim-cache-<you>} first, to hand you their native libraries): compares its owner with the
   * owner of a file made in it now.
   */
  private static void checkOwner(Path root) throws IOException {
    UserPrincipal owner = Files.getOwner(root, LinkOption.NOFOLLOW_LINKS);
    Path probe = Files.createTempFile(root, ".owner-", ".tmp");
    UserPrincipal me;
    try {
      me = Files.getOwner(probe);
    } finally {
      Files.deleteIfExists(probe);
    }
    if (!owner.equals(me)) {
      throw new IOException(
          "the cache folder "
              + root
              + " belongs to "
              + owner.getName()
              + ", not to "
              + me.getName()
              + " (set -D"
              + PROPERTY
              + " or "
              + ENV
              + " to a folder of yours)");
    }
  }

  private static boolean writableOrCreatable(Path dir) {
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        return Files.isDirectory(p) && Files.isWritable(p);
      }
    }
    return false;
  }
}
