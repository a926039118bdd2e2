package dsys.platform.storage;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** {@link DiskIo} on the real filesystem. */
final class RealDiskIo implements DiskIo {

    @Override
    public LogChannel create(Path file) throws IOException {
        return new Channel(FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING));
    }

    @Override
    public LogChannel append(Path file) throws IOException {
        return new Channel(FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
    }

    @Override
    public byte[] read(Path file) throws IOException {
        return Files.readAllBytes(file);
    }

    @Override
    public boolean exists(Path file) {
        return Files.exists(file);
    }

    @Override
    public void replace(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    @Override
    public void delete(Path file) throws IOException {
        Files.deleteIfExists(file);
    }

    @Override
    public void syncDirectory(Path dir) throws IOException {
        // Linux lets a directory be opened read-only and fsynced; that is what makes a rename durable.
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        }
    }

    private record Channel(FileChannel c) implements LogChannel {
        @Override
        public void write(ByteBuffer bytes) throws IOException {
            while (bytes.hasRemaining()) c.write(bytes);
        }

        @Override
        public void force() throws IOException {
            c.force(false); // fdatasync: the file's size is data here, metadata like mtime is not needed
        }

        @Override
        public void close() throws IOException {
            c.close();
        }
    }
}
