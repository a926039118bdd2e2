package dsys.platform.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * The few file operations the write-ahead log needs, behind an interface so tests can make them fail the way
 * disks do (a refused fsync, a full disk, a write torn by a crash) without root or a special filesystem.
 */
public interface DiskIo {

    /** An open log file: appends at its end, forces what was written to the device. */
    interface LogChannel extends AutoCloseable {
        void write(ByteBuffer bytes) throws IOException;

        /** Makes every byte written so far durable; on failure nothing about those bytes is known. */
        void force() throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Creates (or empties) {@code file} for writing. */
    LogChannel create(Path file) throws IOException;

    /** Opens an existing {@code file}, positioned at its end. */
    LogChannel append(Path file) throws IOException;

    byte[] read(Path file) throws IOException;

    boolean exists(Path file);

    /** Replaces {@code to} with {@code from} in one step: a reader sees the old file or the new, never a mix. */
    void replace(Path from, Path to) throws IOException;

    void delete(Path file) throws IOException;

    /** Makes the directory's entries (created, renamed, deleted files) durable. */
    void syncDirectory(Path dir) throws IOException;

    /** Real files through {@link java.nio.channels.FileChannel}. */
    DiskIo REAL = new RealDiskIo(RealDiskIo.AHEAD);
}
