// generator.cpp — see generator.h.
#include "tests/standin/generator.h"

#include <cstdio>
#include <initializer_list>
#include <tuple>
#include <vector>

#include "common/core/text.h"
#include "common/core/time.h"

namespace jb::standin {

namespace {

constexpr int64_t kUs = timeutil::kUsPerSecond;
constexpr int64_t kDayUs = 86400 * kUs;
constexpr int64_t kTicksPerMinute = 60 * timeutil::kTicksPerSecond;
const int64_t kAddedBase = timeutil::days_from_civil(2021, 1, 1) * kDayUs;
const int64_t kPlayedBase = timeutil::days_from_civil(2023, 1, 1) * kDayUs;

uint64_t splitmix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr uint64_t label(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : s) h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ULL;
  return h;
}

Guid guid_of(uint64_t a, uint64_t b) {
  Guid g;
  uint64_t x = splitmix(a), y = splitmix(b ^ x);
  for (int i = 0; i < 8; ++i) {
    g.b[i] = static_cast<uint8_t>(x >> (8 * i));
    g.b[8 + i] = static_cast<uint8_t>(y >> (8 * i));
  }
  g.b[6] = static_cast<uint8_t>((g.b[6] & 0x0f) | 0x40);
  g.b[8] = static_cast<uint8_t>((g.b[8] & 0x3f) | 0x80);
  return g;
}

const char* const kAdjectives[] = {
    "Silent", "Crimson",  "Hidden",  "Broken",    "Golden",    "Distant",  "Frozen",    "Burning",
    "Quiet",  "Electric", "Lonely",  "Savage",    "Velvet",    "Midnight", "Hollow",    "Wild",
    "Iron",   "Paper",    "Glass",   "Endless",   "Fallen",    "Secret",   "Shining",   "Bitter",
    "Lost",   "Last",     "First",   "Northern",  "Southern",  "Eastern",  "Western",   "Scarlet",
    "Silver", "Dark",     "Bright",  "Wicked",    "Gentle",    "Restless", "Forgotten", "Sacred",
    "Hungry", "Little",   "Grand",   "Strange",   "Twisted",   "Brave",    "Cold",      "Late",
    "Long",   "Red",      "Blue",    "Green",     "Black",     "White",    "Ancient",   "Modern",
    "Sudden", "Final",    "Perfect", "Dangerous", "Invisible", "Empty",    "Crooked",   "Rising"};
const char* const kNouns[] = {
    "Harbor",   "River",  "Mountain", "Garden",  "Empire",   "Shadow", "Kingdom", "Horizon",
    "Storm",    "Winter", "Summer",   "Station", "Frontier", "Mirror", "Orchard", "Signal",
    "Island",   "Desert", "Forest",   "Machine", "Promise",  "Letter", "Voyage",  "Circle",
    "Bridge",   "Tower",  "Road",     "Engine",  "Ocean",    "Valley", "Crown",   "Door",
    "Window",   "House",  "City",     "Planet",  "Dream",    "Secret", "Witness", "Stranger",
    "Hunter",   "Dancer", "Soldier",  "Painter", "Doctor",   "Thief",  "Sister",  "Brother",
    "Daughter", "Son",    "Widow",    "King",    "Queen",    "Ghost",  "Wolf",    "Fox",
    "Raven",    "Lion",   "Tide",     "Flame",   "Stone",    "Wind",   "Light",   "Heart"};
constexpr size_t kAdjCount = sizeof(kAdjectives) / sizeof(kAdjectives[0]);
constexpr size_t kNounCount = sizeof(kNouns) / sizeof(kNouns[0]);

std::string title_of(uint64_t h) {
  std::string t;
  switch (h % 5) {
    case 0:
      t = std::string("The ") + kAdjectives[(h >> 8) % kAdjCount] + " " +
          kNouns[(h >> 16) % kNounCount];
      break;
    case 1:
      t = std::string(kAdjectives[(h >> 8) % kAdjCount]) + " " + kNouns[(h >> 16) % kNounCount];
      break;
    case 2:
      t = std::string(kNouns[(h >> 8) % kNounCount]) + " of the " + kNouns[(h >> 16) % kNounCount];
      break;
    case 3:
      t = std::string("A ") + kAdjectives[(h >> 8) % kAdjCount] + " " +
          kNouns[(h >> 16) % kNounCount];
      break;
    default:
      t = std::string(kAdjectives[(h >> 8) % kAdjCount]) + " " + kNouns[(h >> 16) % kNounCount] +
          " " + kNouns[(h >> 24) % kNounCount];
  }
  return t;
}

std::string imdb(uint64_t n) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "tt%07llu", static_cast<unsigned long long>(n));
  return buf;
}

// Junk provider ids seen on real servers.
ProviderIdList junk_ids(uint64_t h, ItemKind k) {
  switch (h % 6) {
    case 0:
      return {{"Imdb", "0"}};
    case 1:
      return {{"Imdb", "tt"}};
    case 2:
      return {{"Tmdb", "null"}};
    case 3:
      return {{"Imdb", "tt0"}, {"Tmdb", "0"}};
    case 4:
      return {{k == ItemKind::kMovie ? "Tmdb" : "Tvdb", "0"}};
    default:
      return {{"Imdb", "tt0000000"}};
  }
}

class Gen {
 public:
  explicit Gen(const GeneratorOptions& o) : o_(o), v_(o.variant == 'b' ? 2 : 1) {}
  Catalog run();

 private:
  uint64_t H(std::initializer_list<uint64_t> p) const {
    std::vector<uint64_t> all{o_.seed};
    all.insert(all.end(), p.begin(), p.end());
    uint64_t h = 0x51ED270B27F0D3A1ULL;
    for (uint64_t x : all) h = splitmix(h ^ x);
    return h;
  }
  bool pct(uint64_t h, int percent) const { return static_cast<int>(h % 100) < percent; }
  Guid id(std::string_view what, uint64_t a, uint64_t b = 0, uint64_t c = 0) const {
    return guid_of(H({label(what), v_, a, b, c}), H({label("id2"), v_, a, b, c}));
  }
  // Per-variant metadata quality: real ids, none, or junk.
  ProviderIdList ids_for(ItemKind k, uint64_t key, ProviderIdList real) const {
    uint64_t h = H({label("pid"), v_, static_cast<uint64_t>(k), key});
    int r = static_cast<int>(h % 100);
    if (r < o_.missing) return {};
    if (r < o_.missing + o_.junk) return junk_ids(h >> 8, k);
    return real;
  }
  int64_t added(uint64_t key) const {
    return kAddedBase +
           static_cast<int64_t>(H({label("added"), v_, key}) % (3 * 365 * 86400)) * kUs;
  }
  void user_state(uint32_t item, uint64_t key, int64_t runtime);

  const GeneratorOptions& o_;
  uint64_t v_;
  Catalog c_;
};

void Gen::user_state(uint32_t item, uint64_t key, int64_t runtime) {
  for (auto& u : c_.users) {
    uint64_t uk = label(u.name);
    uint64_t h = H({label("ud"), uk, key});
    int r = static_cast<int>(h % 100);
    bool played = r < 20;
    bool resume = !played && r < 25;
    bool favorite = ((h >> 32) % 100) < 8;
    int resume_pct = 10 + static_cast<int>((h >> 24) % 70);
    int64_t last = kPlayedBase + static_cast<int64_t>((h >> 16) % (700 * 86400)) * kUs;
    int plays = 1 + static_cast<int>((h >> 8) % 3);
    if (v_ == 2 && pct(H({label("differ"), uk, key}), o_.differ)) {
      uint64_t d = H({label("change"), uk, key});
      switch (d % 3) {
        case 0:
          played = !played;
          resume = false;
          break;
        case 1:
          favorite = !favorite;
          break;
        default:
          if (resume)
            resume_pct = resume_pct >= 50 ? resume_pct - 30 : resume_pct + 30;
          else {
            resume = true;
            played = false;
          }
      }
    }
    if (!played && !resume && !favorite) continue;
    UserData d;
    d.favorite = favorite;
    if (played) {
      d.played = true;
      d.play_count = plays;
      d.last_played = last;
    } else if (resume && runtime > 0) {
      d.position_ticks = runtime / 100 * resume_pct;
      d.last_played = last;
    }
    u.data[item] = d;
  }
}

Catalog Gen::run() {
  c_.server_name = !o_.server_name.empty()
                       ? o_.server_name
                       : (v_ == 2 ? "Jellyfin Stand-in B" : "Jellyfin Stand-in A");
  c_.server_id = guid_of(H({label("server"), v_}), H({label("server2"), v_}));
  const std::string root = v_ == 2 ? "/srv/media" : "/mnt/media";

  for (const auto& [name, pw, admin] : {std::tuple{kAdminUser, kAdminPassword, true},
                                        std::tuple{kDemoUser, kDemoPassword, false}}) {
    User u;
    u.name = name;
    u.id = guid_of(H({label("user"), v_, label(name)}), H({label("user2"), v_, label(name)}));
    u.password_plain = pw;
    u.policy.is_administrator = admin;
    u.policy.is_hidden = false;
    u.date_created = kAddedBase;
    c_.users.push_back(std::move(u));
  }
  for (int n = 2; n <= o_.users; ++n) {  // more demo users (benchmarks: one pair per user)
    User u;
    u.name = std::string(kDemoUser) + std::to_string(n);
    u.id = guid_of(H({label("user"), v_, label(u.name)}), H({label("user2"), v_, label(u.name)}));
    u.password_plain = kDemoPassword;
    u.policy.is_hidden = false;
    u.date_created = kAddedBase;
    c_.users.push_back(std::move(u));
  }

  size_t estimate = static_cast<size_t>(o_.movies) * (100 + o_.dup4k) / 100 +
                    static_cast<size_t>(o_.series) * (1 + o_.seasons * (1 + o_.episodes)) + 8;
  c_.items.reserve(estimate);
  c_.strings.reserve(estimate * 140);

  auto make_lib = [&](const char* name, const char* type, const std::string& loc) {
    Library lib;
    lib.name = name;
    lib.collection_type = type;
    lib.id = id("library", label(name));
    lib.folder_id = id("folder", label(name));
    lib.locations = {loc};
    lib.date_created = kAddedBase;
    return c_.add_library(lib);
  };
  uint32_t movies = make_lib("Movies", "movies", root + "/movies");
  uint32_t movies4k = make_lib("Movies 4K", "movies", root + "/movies-4k");
  uint32_t shows = make_lib("Shows", "tvshows", root + "/shows");

  for (int i = 0; i < o_.movies; ++i) {
    uint64_t ui = static_cast<uint64_t>(i);
    if (pct(H({label("excl"), v_, 1, ui}), o_.exclusive)) continue;
    uint64_t th = H({label("movie"), ui});
    std::string name = title_of(th);
    int year = 1950 + static_cast<int>((th >> 32) % 75);
    ProviderIdList real = {{"Imdb", imdb((ui * 7919 + 1000003 + o_.seed * 13) % 9000000 + 1000000)},
                           {"Tmdb", std::to_string((ui * 104729 + 7 + o_.seed) % 900000 + 100000)}};
    ProviderIdList pids = ids_for(ItemKind::kMovie, ui, real);
    std::string packed = pack_provider_ids(pids);
    int64_t runtime = (80 + static_cast<int64_t>((th >> 40) % 90)) * kTicksPerMinute;
    int month = 1 + static_cast<int>((th >> 48) % 12), day = 1 + static_cast<int>((th >> 52) % 28);
    int64_t premiere =
        timeutil::days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) *
        kDayUs;
    std::string titled = name + " (" + std::to_string(year) + ")";

    for (int copy = 0; copy < 2; ++copy) {
      if (copy == 1 && !pct(H({label("4k"), ui}), o_.dup4k)) break;
      uint32_t li = copy == 0 ? movies : movies4k;
      Item it;
      it.kind = ItemKind::kMovie;
      it.id = id(copy == 0 ? "movie" : "movie4k", ui);
      it.library = li;
      it.parent = c_.libraries[li].folder_item;
      it.name = c_.strings.add(name);
      it.production_year = year;
      it.premiere_date = premiere;
      it.run_time_ticks = runtime;
      it.provider_ids = c_.strings.add(packed);
      std::string file = copy == 0 ? titled + ".mkv" : titled + " - 2160p.mkv";
      it.path = c_.strings.add(c_.libraries[li].locations[0] + "/" + titled + "/" + file);
      it.date_created = added(ui * 2 + static_cast<uint64_t>(copy));
      it.date_last_saved =
          it.date_created + static_cast<int64_t>(H({label("saved"), v_, ui}) % (30 * 86400)) * kUs;
      uint32_t idx = c_.add_item(it);
      if (copy == 0) user_state(idx, label("m") ^ ui, runtime);
    }
  }

  uint64_t episode_counter = 0;
  for (int j = 0; j < o_.series; ++j) {
    uint64_t uj = static_cast<uint64_t>(j);
    uint64_t th = H({label("series"), uj});
    bool excluded = pct(H({label("excl"), v_, 2, uj}), o_.exclusive);
    int year = 1990 + static_cast<int>((th >> 32) % 34);
    std::string name = title_of(th ^ 0x5555);
    std::string titled = name + " (" + std::to_string(year) + ")";
    std::string spath = c_.libraries[shows].locations[0] + "/" + titled;
    uint32_t series_idx = kNone;
    if (!excluded) {
      ProviderIdList real = {{"Tvdb", std::to_string((uj * 7907 + 11) % 900000 + 70000)},
                             {"Imdb", imdb((uj * 7927 + 17) % 9000000 + 10000000)},
                             {"Tmdb", std::to_string((uj * 104723 + 3) % 900000 + 1000)}};
      Item s;
      s.kind = ItemKind::kSeries;
      s.id = id("series", uj);
      s.library = shows;
      s.parent = c_.libraries[shows].folder_item;
      s.name = c_.strings.add(name);
      s.production_year = year;
      s.premiere_date =
          timeutil::days_from_civil(year, 1 + static_cast<unsigned>((th >> 40) % 12), 1) * kDayUs;
      s.provider_ids = c_.strings.add(pack_provider_ids(ids_for(ItemKind::kSeries, uj, real)));
      s.path = c_.strings.add(spath);
      s.date_created = added(1'000'000'000ULL + uj);
      s.date_last_saved = s.date_created;
      series_idx = c_.add_item(s);
    }
    for (int sn = 1; sn <= o_.seasons; ++sn) {
      uint32_t season_idx = kNone;
      char buf[64];
      std::snprintf(buf, sizeof buf, "/Season %02d", sn);
      std::string season_path = spath + buf;
      if (series_idx != kNone) {
        Item se;
        se.kind = ItemKind::kSeason;
        se.id = id("season", uj, static_cast<uint64_t>(sn));
        se.library = shows;
        se.parent = series_idx;
        se.series = series_idx;
        se.name = c_.strings.add("Season " + std::to_string(sn));
        se.index_number = sn;
        se.production_year = year + sn - 1;
        se.provider_ids = c_.strings.add("");
        se.path = c_.strings.add(season_path);
        se.date_created = c_.items[series_idx].date_created + sn * kDayUs;
        se.date_last_saved = se.date_created;
        season_idx = c_.add_item(se);
      }
      for (int e = 1; e <= o_.episodes; ++e) {
        uint64_t ekey = (uj << 24) | (static_cast<uint64_t>(sn) << 12) | static_cast<uint64_t>(e);
        uint64_t eh = H({label("episode"), ekey});
        bool two = e < o_.episodes && pct(H({label("multi"), ekey}), o_.multi);
        uint64_t g = episode_counter++;
        if (two) ++episode_counter;
        if (season_idx == kNone) {
          if (two) ++e;
          continue;
        }
        ProviderIdList real = {{"Tvdb", std::to_string((g * 7933 + 5) % 90000000 + 1000000)}};
        if ((eh >> 8) % 2 == 0)
          real.emplace_back("Imdb", imdb((g * 7937 + 29) % 9000000 + 20000000));
        Item ep;
        ep.kind = ItemKind::kEpisode;
        ep.id = id("episode", ekey);
        ep.library = shows;
        ep.parent = season_idx;
        ep.series = series_idx;
        ep.season = season_idx;
        ep.name = c_.strings.add(title_of(eh));
        ep.index_number = e;
        ep.parent_index_number = sn;
        if (two) ep.index_number_end = e + 1;
        int ey = year + sn - 1;
        ep.production_year = ey;
        ep.premiere_date = timeutil::days_from_civil(ey, 1 + static_cast<unsigned>((e - 1) % 12),
                                                     1 + static_cast<unsigned>(e % 28)) *
                           kDayUs;
        ep.run_time_ticks =
            (20 + static_cast<int64_t>((eh >> 16) % 40)) * kTicksPerMinute * (two ? 2 : 1);
        ep.provider_ids =
            c_.strings.add(pack_provider_ids(ids_for(ItemKind::kEpisode, ekey, real)));
        if (two)
          std::snprintf(buf, sizeof buf, " S%02dE%02d-E%02d.mkv", sn, e, e + 1);
        else
          std::snprintf(buf, sizeof buf, " S%02dE%02d.mkv", sn, e);
        ep.path = c_.strings.add(season_path + "/" + name + buf);
        ep.date_created = c_.items[season_idx].date_created + e * 3600 * kUs;
        ep.date_last_saved = ep.date_created;
        uint32_t idx = c_.add_item(ep);
        user_state(idx, label("e") ^ ekey, ep.run_time_ticks);
        if (two) ++e;
      }
    }
  }
  c_.strings.shrink();
  c_.items.shrink_to_fit();
  return std::move(c_);
}

}  // namespace

Result<GeneratorOptions> parse_generator_options(std::string_view spec) {
  GeneratorOptions o;
  for (const auto& part : text::split(spec, ',', true)) {
    auto eq = part.find('=');
    if (eq == std::string::npos)
      return Error("invalid_argument", "--generate: expected key=value, got '" + part + "'.");
    std::string key = text::to_lower(text::trim(std::string_view(part).substr(0, eq)));
    std::string_view val = text::trim(std::string_view(part).substr(eq + 1));
    if (key == "variant") {
      if (val != "a" && val != "b")
        return Error("invalid_argument", "--generate: variant must be a or b.");
      o.variant = val[0];
      continue;
    }
    if (key == "name") {
      o.server_name = std::string(val);
      continue;
    }
    int64_t n = 0;
    if (!text::parse_int64(val, n) || n < 0)
      return Error("invalid_argument", "--generate: " + key + " must be a non-negative integer.");
    auto bounded = [&](int& field, int64_t max) -> std::optional<Error> {
      if (n > max)
        return Error("invalid_argument",
                     "--generate: " + key + " must be at most " + std::to_string(max) + ".");
      field = static_cast<int>(n);
      return std::nullopt;
    };
    std::optional<Error> err;
    if (key == "movies")
      err = bounded(o.movies, 900000);
    else if (key == "series")
      err = bounded(o.series, 100000);
    else if (key == "seasons")
      err = bounded(o.seasons, 100);
    else if (key == "episodes")
      err = bounded(o.episodes, 999);
    else if (key == "differ")
      err = bounded(o.differ, 100);
    else if (key == "dup4k")
      err = bounded(o.dup4k, 100);
    else if (key == "missing")
      err = bounded(o.missing, 100);
    else if (key == "junk")
      err = bounded(o.junk, 100);
    else if (key == "exclusive")
      err = bounded(o.exclusive, 100);
    else if (key == "multi")
      err = bounded(o.multi, 100);
    else if (key == "users")
      err = bounded(o.users, 1000);
    else if (key == "seed")
      o.seed = static_cast<uint64_t>(n);
    else
      return Error("invalid_argument", "--generate: unknown key '" + key + "'.");
    if (err) return *err;
  }
  if (o.missing + o.junk > 100)
    return Error("invalid_argument", "--generate: missing + junk must be at most 100.");
  int64_t total = static_cast<int64_t>(o.series) * o.seasons * o.episodes;
  if (total > 5'000'000)
    return Error("invalid_argument", "--generate: at most 5,000,000 episodes.");
  return o;
}

std::string generator_spec(const GeneratorOptions& o) {
  char buf[256];
  std::snprintf(
      buf, sizeof buf,
      "movies=%d,series=%d,seasons=%d,episodes=%d,seed=%llu,variant=%c,differ=%d,dup4k=%d,"
      "missing=%d,junk=%d,exclusive=%d,multi=%d,users=%d",
      o.movies, o.series, o.seasons, o.episodes, static_cast<unsigned long long>(o.seed), o.variant,
      o.differ, o.dup4k, o.missing, o.junk, o.exclusive, o.multi, o.users);
  return buf;
}

Catalog generate(const GeneratorOptions& o) {
  Gen g(o);
  return g.run();
}

}  // namespace jb::standin
