package dsys.txn;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

@SpringBootApplication
public class TxnCoordinatorApplication {
    public static void main(String[] args) {
        SpringApplication.run(TxnCoordinatorApplication.class, args);
    }
}
