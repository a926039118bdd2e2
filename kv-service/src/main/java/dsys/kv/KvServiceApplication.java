package dsys.kv;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class KvServiceApplication {
    public static void main(String[] args) {
        SpringApplication.run(KvServiceApplication.class, args);
    }
}
