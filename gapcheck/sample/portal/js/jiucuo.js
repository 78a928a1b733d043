/* 纠错 widget placeholder of the sample portal: does nothing. */
