"""涉密会议: the security plan, vetted participants, check-in, the meeting's documents from
hand-out to recall, recordings, relay scope and news copy."""
