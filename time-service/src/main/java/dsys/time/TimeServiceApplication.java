package dsys.time;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Clock synchronization service: Cristian, Berkeley, averaging, NTP (with a real UDP server), logical clocks. */
@SpringBootApplication
public class TimeServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(TimeServiceApplication.class, args);
    }
}
