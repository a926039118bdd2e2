package dsys.verifier.linear;

import java.util.List;

/** The models by the names the CLI and the README use. */
public final class Models {
    public static final List<String> NAMES = List.of("register", "cas-register", "mutex", "fenced-mutex");

    private Models() {
    }

    /** The model with this name, or null. */
    public static Model byName(String name) {
        return switch (name) {
            case "register" -> RegisterModel.register();
            case "cas-register" -> RegisterModel.casRegister();
            case "mutex" -> MutexModel.mutex();
            case "fenced-mutex" -> MutexModel.fencedMutex();
            default -> null;
        };
    }
}
