"""gapcheck: crawls a government portal and reports its compliance gaps against the inspection rules."""
