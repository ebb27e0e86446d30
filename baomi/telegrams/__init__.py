"""机要电报 and the duty desk: telegrams on their clocks, the 24-hour roster, shift handovers."""
