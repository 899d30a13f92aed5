// planner.cpp — see planner.h.
#include "sync-worker/planner.h"

#include <cstdlib>

namespace jb::sync {

namespace {

// +1 when a is newer (or only a has a date), -1 when b is, 0 within the tolerance or both missing.
int newer(const std::optional<int64_t>& a, const std::optional<int64_t>& b, int64_t tol) {
  if (a && !b) return 1;
  if (!a && b) return -1;
  if (!a && !b) return 0;
  if (*a - *b > tol) return 1;
  if (*b - *a > tol) return -1;
  return 0;
}

Write w(Side side, Action a, bool removal = false) {
  Write x;
  x.side = side;
  x.action = a;
  x.removal = removal;
  return x;
}

bool in_progress(const State& s, const Rules& r) {
  if (s.played || s.position_ticks < r.min_position_ticks) return false;
  return s.runtime_ticks <= 0 || s.position_ticks * 100 < s.runtime_ticks * r.complete_percent;
}

bool complete(const State& s, const Rules& r) {
  return s.runtime_ticks > 0 && s.position_ticks * 100 >= s.runtime_ticks * r.complete_percent;
}

Decision watchlist(const Inputs& in) {
  Decision d;
  bool ps = in.source.favorite, pt = in.target.favorite;
  bool b = in.baseline && in.baseline->present;
  if (ps == pt) {
    d.agreed.present = ps;
    return d;
  }
  if (ps) {                 // only the source
    if (b && in.two_way) {  // the target removed it
      if (in.config.remove) {
        d.writes.push_back(w(Side::source, Action::unfavorite, true));
        d.agreed.present = false;
      } else {
        d.skip = "removed on the target; removals are off";
        d.agreed.present = true;
      }
    } else if (in.config.add || b) {
      d.writes.push_back(w(Side::target, Action::favorite));
      d.agreed.present = true;
    } else {
      d.skip = "adds are off";
    }
    return d;
  }
  // only the target
  if (b) {  // the source removed it
    if (in.config.remove) {
      d.writes.push_back(w(Side::target, Action::unfavorite, true));
      d.agreed.present = false;
    } else {
      d.skip = "removed on the source; removals are off";
      d.agreed.present = true;
    }
  } else if (in.two_way && in.config.add) {
    d.writes.push_back(w(Side::source, Action::favorite));
    d.agreed.present = true;
  } else {
    d.skip = in.two_way ? "adds are off" : "only on the target (one-way)";
  }
  return d;
}

Decision history(const Inputs& in, const Rules& r) {
  Decision d;
  const State& s = in.source;
  const State& t = in.target;
  bool b = in.baseline && in.baseline->present;
  if (s.played && t.played) {
    d.agreed.present = true;
    int c = newer(s.last_played_us, t.last_played_us, r.date_tolerance_us);
    d.agreed.last_played_us = s.last_played_us ? s.last_played_us : t.last_played_us;
    if (c > 0) {
      Write x = w(Side::target, Action::set_last_played);
      x.last_played_us = s.last_played_us;
      d.writes.push_back(x);
    } else if (c < 0) {
      d.agreed.last_played_us = t.last_played_us;
      if (in.two_way) {
        Write x = w(Side::source, Action::set_last_played);
        x.last_played_us = t.last_played_us;
        d.writes.push_back(x);
      } else {
        d.skip = "the target's play is newer (one-way)";
      }
    }
    return d;
  }
  if (!s.played && !t.played) return d;
  if (s.played) {  // only the source
    d.agreed.last_played_us = s.last_played_us;
    if (b && in.two_way) {  // the target marked it unplayed
      if (in.config.remove) {
        d.writes.push_back(w(Side::source, Action::unplayed, true));
        d.agreed = Baseline{};
      } else {
        d.skip = "marked unplayed on the target; removals are off";
        d.agreed = *in.baseline;
      }
    } else if (in.config.add || b) {
      Write x = w(Side::target, Action::played);
      x.last_played_us = s.last_played_us;
      d.writes.push_back(x);
      d.agreed.present = true;
      // Without a date of ours the target keeps its own; two-way, the source learns it too.
      if (!s.last_played_us && t.last_played_us) {
        d.agreed.last_played_us = t.last_played_us;
        if (in.two_way) {
          Write y = w(Side::source, Action::set_last_played);
          y.last_played_us = t.last_played_us;
          d.writes.push_back(y);
        }
      }
    } else {
      d.skip = "adds are off";
    }
    return d;
  }
  // only the target
  if (b) {  // the source marked it unplayed
    if (in.config.remove) {
      d.writes.push_back(w(Side::target, Action::unplayed, true));
    } else {
      d.skip = "marked unplayed on the source; removals are off";
      d.agreed = *in.baseline;
    }
  } else if (in.two_way && in.config.add) {
    Write x = w(Side::source, Action::played);
    x.last_played_us = t.last_played_us;
    d.writes.push_back(x);
    d.agreed.present = true;
    d.agreed.last_played_us = t.last_played_us;
    if (!t.last_played_us && s.last_played_us) {
      d.agreed.last_played_us = s.last_played_us;
      Write y = w(Side::target, Action::set_last_played);
      y.last_played_us = s.last_played_us;
      d.writes.push_back(y);
    }
  } else {
    d.skip = in.two_way ? "adds are off" : "only on the target (one-way)";
  }
  return d;
}

Decision progress_decision(const Inputs& in, const Rules& r, bool& deferred) {
  Decision d;
  const State& s = in.source;
  const State& t = in.target;
  bool rs = in_progress(s, r), rt = in_progress(t, r);
  bool b = in.baseline && in.baseline->present;
  auto set = [&](Side side, const State& from) {
    if ((side == Side::target && in.target_playing_now) ||
        (side == Side::source && in.source_playing_now)) {
      d.skip = side == Side::target ? "being played right now on the target"
                                    : "being played right now on the source";
      deferred = true;
      return;
    }
    Write x = w(side, Action::set_position);
    x.position_ticks = from.position_ticks;
    x.last_played_us = from.last_played_us;
    d.writes.push_back(x);
  };
  auto clear = [&](Side side) {
    if ((side == Side::target && in.target_playing_now) ||
        (side == Side::source && in.source_playing_now)) {
      d.skip = side == Side::target ? "being played right now on the target"
                                    : "being played right now on the source";
      deferred = true;
      return;
    }
    d.writes.push_back(w(side, Action::clear_position, true));
  };
  if (rs && rt) {
    d.agreed.present = true;
    d.agreed.position_ticks = s.position_ticks;
    d.agreed.last_played_us = s.last_played_us;
    if (std::llabs(s.position_ticks - t.position_ticks) < r.min_change_ticks) return d;
    int c = newer(s.last_played_us, t.last_played_us, r.date_tolerance_us);
    if (c >= 0) {
      set(Side::target, s);
    } else {
      d.agreed.position_ticks = t.position_ticks;
      d.agreed.last_played_us = t.last_played_us;
      if (in.two_way)
        set(Side::source, t);
      else
        d.skip = "the target's progress is newer (one-way)";
    }
    return d;
  }
  if (!rs && !rt) {
    if (complete(s, r) && t.position_ticks > 0 && !t.played)
      d.skip = "at or over 95 %: left to history";
    return d;
  }
  if (rs) {  // only the source is in progress
    d.agreed.present = true;
    d.agreed.position_ticks = s.position_ticks;
    d.agreed.last_played_us = s.last_played_us;
    if (t.played) {
      d.skip = "played on the target: left to history";
      d.agreed = in.baseline ? *in.baseline : Baseline{};
    } else if (complete(t, r)) {
      d.skip = "at or over 95 % on the target: left to history";
      d.agreed = in.baseline ? *in.baseline : Baseline{};
    } else if (b && in.two_way) {  // the target cleared it
      if (in.config.remove) {
        clear(Side::source);
        d.agreed = Baseline{};
      } else {
        d.skip = "cleared on the target; removals are off";
        d.agreed = *in.baseline;
      }
    } else if (in.config.add || b) {
      set(Side::target, s);
    } else {
      d.skip = "adds are off";
      d.agreed = Baseline{};
    }
    return d;
  }
  // only the target is in progress
  if (s.played || complete(s, r)) {
    d.skip = s.played ? "played on the source: left to history"
                      : "at or over 95 % on the source: left to history";
    d.agreed = in.baseline ? *in.baseline : Baseline{};
  } else if (b) {  // the source cleared it
    if (in.config.remove) {
      clear(Side::target);
    } else {
      d.skip = "cleared on the source; removals are off";
      d.agreed = *in.baseline;
    }
  } else if (in.two_way && in.config.add) {
    d.agreed.present = true;
    d.agreed.position_ticks = t.position_ticks;
    d.agreed.last_played_us = t.last_played_us;
    set(Side::source, t);
  } else {
    d.skip = in.two_way ? "adds are off" : "only on the target (one-way)";
  }
  return d;
}

// An item left alone because it is being played right now is decided again
// next run: the baseline stays what it was, so nothing is mistaken for a removal.
Decision progress(const Inputs& in, const Rules& r) {
  bool deferred = false;
  Decision d = progress_decision(in, r, deferred);
  if (deferred) {
    d.writes.clear();
    d.agreed = in.baseline ? *in.baseline : Baseline{};
  }
  return d;
}

}  // namespace

const char* action_name(Action a) {
  switch (a) {
    case Action::favorite:
      return "favorite";
    case Action::unfavorite:
      return "unfavorite";
    case Action::played:
      return "played";
    case Action::unplayed:
      return "unplayed";
    case Action::set_last_played:
      return "set_last_played";
    case Action::set_position:
      return "set_position";
    case Action::clear_position:
      return "clear_position";
  }
  return "favorite";
}

bool present(Feature f, const State& s, const Rules& r) {
  switch (f) {
    case Feature::watchlist:
      return s.favorite;
    case Feature::history:
      return s.played;
    case Feature::progress:
      return in_progress(s, r);
  }
  return false;
}

Decision decide(const Inputs& in, const Rules& rules) {
  switch (in.feature) {
    case Feature::watchlist:
      return watchlist(in);
    case Feature::history:
      return history(in, rules);
    case Feature::progress:
      return progress(in, rules);
  }
  return {};
}

}  // namespace jb::sync
