package io.dlock.examples.boot;

import net.javacrumbs.shedlock.spring.annotation.EnableSchedulerLock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * A service whose scheduled report runs on one instance at a time, however many run: dlock's
 * starter makes the {@code LockClient} from {@code dlock.uri} and ShedLock's {@code LockProvider}
 * on it, so only the annotations are needed.
 */
@SpringBootApplication
@EnableScheduling
@EnableSchedulerLock(defaultLockAtMostFor = "PT30S")
public class ExampleApplication {

    /** Starts the service. */
    public static void main(String[] args) {
        SpringApplication.run(ExampleApplication.class, args);
    }
}
