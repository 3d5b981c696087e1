package io.dlock.examples.boot;

import io.dlock.shedlock.CurrentLock;
import java.time.Duration;
import java.time.Instant;
import net.javacrumbs.shedlock.spring.annotation.SchedulerLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The report, every second on whichever instance takes the lock for that second: it writes its
 * beginning and its end to the fenced store with the lock's fencing token.
 */
@Component
class ReportJob {

    private static final Logger LOG = LoggerFactory.getLogger(ReportJob.class);

    private final FencedStore store;
    private final String instance;
    private final Duration workTime;

    ReportJob(
            FencedStore store,
            @Value("${example.instance}") String instance,
            @Value("${example.work-time}") Duration workTime) {
        this.store = store;
        this.instance = instance;
        this.workTime = workTime;
    }

    /** One run: every instance's scheduler fires each second, and one of them gets the lock. */
    @Scheduled(cron = "* * * * * *")
    @SchedulerLock(
            name = "report",
            lockAtLeastFor = "${example.lock-at-least-for}",
            lockAtMostFor = "${example.lock-at-most-for}")
    void report() throws InterruptedException {
        long token = CurrentLock.fencingToken();
        long second = Instant.now().getEpochSecond();
        write(token, "begin " + second + " " + instance);
        Thread.sleep(workTime.toMillis()); // stands for the report's own work
        write(token, "end " + second + " " + instance);
    }

    private void write(long token, String value) {
        if (!store.write(token, value)) {
            // A newer holder has written: this run's lock ran out, so it must not go on.
            throw new IllegalStateException("the store refused '" + value + "' with fencing token " + token);
        }
        LOG.info("wrote '{}' with fencing token {}", value, token);
    }
}
