// state_file_test.cpp — the --state-file format (every field of tokens,
// users, policies and user data survives a serialise/parse round trip, and
// the seed view of the state is unchanged), its error messages, the atomic
// writer, the saver, and an in-process server saving to a state file:
// changes and resets reach the file, and concurrent mutations never leave a
// partial file. (The process-level restart is in binary_test.cpp.)
#include "tests/standin/state_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <thread>

#include "tests/standin/atomic_file.h"
#include "tests/standin/generator.h"
#include "tests/standin/policy.h"
#include "tests/standin/seed.h"
#include "tests/standin/sessions.h"
#include "tests/standin/state_saver.h"
#include "tests/standin/testing/standin_fixture.h"
#include "tests/standin/testing/temp_dir.h"

namespace jb::standin {
namespace {

using testing::TempDir;
namespace small = testing::small;

std::string policy_json(const Policy& p) {
  json::Writer w;
  write_policy(w, p);
  return w.str();
}

mode_t file_mode(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

uint32_t item_index(const State& s, const char* id) {
  return s.find_item(*parse_guid(id));
}

// A state that uses every persisted field, including the values only the
// test-control API can produce (empty names, unset dates, a season without
// IndexNumber, a ParentIndexNumber on a movie, user data on a library).
State rich_state() {
  auto cat = load_seed_file(testing::small_seed_path());
  EXPECT_TRUE(cat) << cat.error().message;
  State s(std::move(*cat));
  s.source = "seed fixtures/small.json";
  for (auto& u : s.cat.users) {
    if (u.password_plain.empty()) continue;
    u.password_hash = "$PBKDF2-SHA512$iterations=1000$0A1B$" + u.name;
    u.password_plain.clear();
  }
  User* alice = s.user(*parse_guid(small::kAlice));
  alice->last_login = 1'700'000'000'000'001;  // sub-millisecond precision
  alice->last_activity = 1'700'000'000'123'456;
  alice->display_preferences["usersettings|emby"] =
      R"({"Id":"usersettings","CustomPrefs":{"a":"b"}})";
  Policy& p = alice->policy;
  p.is_administrator = true;
  p.is_hidden = false;
  p.is_disabled = true;
  p.enable_user_preference_access = false;
  p.enable_all_folders = false;
  p.enable_all_devices = false;
  p.enable_remote_access = false;
  p.enabled_devices = {"tv-1", "phone \"2\""};
  p.max_active_sessions = 3;
  p.login_attempts_before_lockout = 5;
  p.invalid_login_attempt_count = 2;
  p.authentication_provider_id = "Custom.Auth";
  p.password_reset_provider_id = "Custom.Reset";
  p.other["BlockedTags"] = R"(["gore","x"])";
  p.other["MaxParentalRating"] = "12";
  p.other["SyncPlayAccess"] = R"("None")";
  p.other["AccessSchedules"] = R"([{"DayOfWeek":"Monday","StartHour":1,"EndHour":2}])";

  User zoe;
  zoe.id = *parse_guid("a00000000000400080000000000000ff");
  zoe.name = "Zoë O'Neil";
  zoe.date_created = kNoDate;
  s.cat.users.push_back(zoe);
  User* z = &s.cat.users.back();
  alice = s.user(*parse_guid(small::kAlice));

  uint32_t matrix = item_index(s, small::kMatrix);
  UserData d;
  d.position_ticks = 123456789;
  d.last_played = 1'700'000'000'654'321;
  d.rating = 7.25;
  d.play_count = 4;
  d.played = true;
  d.favorite = true;
  d.likes = false;
  alice->data[matrix] = d;
  z->data[matrix] = UserData{};  // a row with every value at its default
  z->data[s.cat.libraries[0].item].favorite = true;
  z->data[s.cat.libraries[0].folder_item].played = true;

  Item& arrival = s.cat.items[item_index(s, small::kArrival)];
  arrival.name = s.cat.strings.add("");
  arrival.path = s.cat.strings.add("");
  arrival.parent_index_number = 3;
  arrival.date_created = kNoDate;
  arrival.date_last_saved = kNoDate;
  arrival.run_time_ticks = -1;
  arrival.provider_ids = s.cat.strings.add(pack_provider_ids({{"Imdb", " "}, {"Custom", "x"}}));
  s.cat.items[item_index(s, small::kBbSeason2)].index_number = kNoNumber;

  s.cat.api_keys.push_back(ApiKey{"00112233445566778899aabbccddeeff", "late key", kNoDate});

  issue_token(s, *alice, DeviceInfo{"dev-1", "Alice's TV", "Jellyfin Web", "10.11.0"},
              1'700'000'001'000'007);
  const Device& second = issue_token(s, *z, DeviceInfo{"dev-2", "Zoë's \"phone\"", "Findroid", "1"},
                                     1'700'000'002'000'000);
  s.tokens[second.token].date_last_activity = kNoDate;
  s.rebuild_indexes();
  return s;
}

void expect_same_items(const State& a, const State& b) {
  size_t alive = 0;
  for (const Item& x : a.cat.items) {
    if (!x.alive) continue;
    ++alive;
    uint32_t j = b.find_item(x.id);
    ASSERT_NE(j, kNone) << x.id.str();
    const Item& y = b.cat.items[j];
    SCOPED_TRACE(x.id.str());
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(a.cat.str(x.name), b.cat.str(y.name));
    EXPECT_EQ(a.cat.str(x.path), b.cat.str(y.path));
    EXPECT_EQ(a.cat.str(x.provider_ids), b.cat.str(y.provider_ids));
    EXPECT_EQ(x.date_created, y.date_created);
    EXPECT_EQ(x.date_last_saved, y.date_last_saved);
    EXPECT_EQ(x.premiere_date, y.premiere_date);
    EXPECT_EQ(x.run_time_ticks, y.run_time_ticks);
    EXPECT_EQ(x.production_year, y.production_year);
    EXPECT_EQ(x.index_number, y.index_number);
    EXPECT_EQ(x.index_number_end, y.index_number_end);
    EXPECT_EQ(x.parent_index_number, y.parent_index_number);
    EXPECT_EQ(x.library, y.library);
    auto id_of = [](const State& s, uint32_t i) { return i == kNone ? Guid() : s.cat.items[i].id; };
    EXPECT_EQ(id_of(a, x.parent), id_of(b, y.parent));
    EXPECT_EQ(id_of(a, x.series), id_of(b, y.series));
    EXPECT_EQ(id_of(a, x.season), id_of(b, y.season));
  }
  size_t alive_b = 0;
  for (const Item& y : b.cat.items) alive_b += y.alive ? 1 : 0;
  EXPECT_EQ(alive, alive_b);
}

void expect_same_users(const State& a, const State& b) {
  ASSERT_EQ(a.cat.users.size(), b.cat.users.size());
  for (size_t k = 0; k < a.cat.users.size(); ++k) {
    const User& x = a.cat.users[k];
    const User& y = b.cat.users[k];
    SCOPED_TRACE(x.name);
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.password_hash, y.password_hash);
    EXPECT_EQ(x.password_plain, y.password_plain);
    EXPECT_EQ(x.date_created, y.date_created);
    EXPECT_EQ(x.last_login, y.last_login);
    EXPECT_EQ(x.last_activity, y.last_activity);
    EXPECT_EQ(x.display_preferences, y.display_preferences);
    const Policy& p = x.policy;
    const Policy& q = y.policy;
    EXPECT_EQ(p.is_administrator, q.is_administrator);
    EXPECT_EQ(p.is_hidden, q.is_hidden);
    EXPECT_EQ(p.is_disabled, q.is_disabled);
    EXPECT_EQ(p.enable_user_preference_access, q.enable_user_preference_access);
    EXPECT_EQ(p.enable_all_folders, q.enable_all_folders);
    EXPECT_EQ(p.enable_all_devices, q.enable_all_devices);
    EXPECT_EQ(p.enable_remote_access, q.enable_remote_access);
    EXPECT_EQ(p.enabled_folders, q.enabled_folders);
    EXPECT_EQ(p.enabled_devices, q.enabled_devices);
    EXPECT_EQ(p.max_active_sessions, q.max_active_sessions);
    EXPECT_EQ(p.login_attempts_before_lockout, q.login_attempts_before_lockout);
    EXPECT_EQ(p.invalid_login_attempt_count, q.invalid_login_attempt_count);
    EXPECT_EQ(p.authentication_provider_id, q.authentication_provider_id);
    EXPECT_EQ(p.password_reset_provider_id, q.password_reset_provider_id);
    for (const auto& [name, raw] : p.other) {
      auto it = q.other.find(name);
      ASSERT_NE(it, q.other.end()) << name;
      EXPECT_EQ(raw, it->second) << name;
    }
    EXPECT_EQ(policy_json(p), policy_json(q));
    // User data, matched by item id (indexes may differ).
    ASSERT_EQ(x.data.size(), y.data.size());
    for (const auto& [idx, d] : x.data) {
      uint32_t j = b.find_item(a.cat.items[idx].id);
      ASSERT_NE(j, kNone);
      auto it = y.data.find(j);
      ASSERT_NE(it, y.data.end()) << a.cat.items[idx].id.str();
      const UserData& e = it->second;
      EXPECT_EQ(d.position_ticks, e.position_ticks);
      EXPECT_EQ(d.last_played, e.last_played);
      EXPECT_EQ(d.rating, e.rating);
      EXPECT_EQ(d.play_count, e.play_count);
      EXPECT_EQ(d.played, e.played);
      EXPECT_EQ(d.favorite, e.favorite);
      EXPECT_EQ(d.likes, e.likes);
    }
  }
}

void expect_same_devices(const State& a, const State& b) {
  ASSERT_EQ(a.tokens.size(), b.tokens.size());
  for (const auto& [token, d] : a.tokens) {
    auto it = b.tokens.find(token);
    ASSERT_NE(it, b.tokens.end()) << token;
    const Device& e = it->second;
    EXPECT_EQ(d.token, e.token);
    EXPECT_EQ(d.user_id, e.user_id);
    EXPECT_EQ(d.device_id, e.device_id);
    EXPECT_EQ(d.device_name, e.device_name);
    EXPECT_EQ(d.app_name, e.app_name);
    EXPECT_EQ(d.app_version, e.app_version);
    EXPECT_EQ(d.date_created, e.date_created);
    EXPECT_EQ(d.date_last_activity, e.date_last_activity);
    EXPECT_EQ(d.session_id, e.session_id);
  }
}

TEST(StateFile, RoundTripKeepsEveryField) {
  State a = rich_state();
  std::string text = serialize_state(persisted_part(a));
  auto parsed = parse_state(text, "State file t.json");
  ASSERT_TRUE(parsed) << parsed.error().message;
  State b = restore_state(std::move(*parsed));

  EXPECT_EQ(b.source, a.source);
  EXPECT_EQ(b.cat.server_name, a.cat.server_name);
  EXPECT_EQ(b.cat.server_id, a.cat.server_id);
  expect_same_devices(a, b);
  expect_same_users(a, b);
  expect_same_items(a, b);
  ASSERT_EQ(a.cat.libraries.size(), b.cat.libraries.size());
  for (size_t i = 0; i < a.cat.libraries.size(); ++i) {
    const Library& x = a.cat.libraries[i];
    const Library& y = b.cat.libraries[i];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.folder_id, y.folder_id);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.collection_type, y.collection_type);
    EXPECT_EQ(x.locations, y.locations);
    EXPECT_EQ(x.date_created, y.date_created);
  }
  ASSERT_EQ(a.cat.api_keys.size(), b.cat.api_keys.size());
  for (size_t i = 0; i < a.cat.api_keys.size(); ++i) {
    EXPECT_EQ(a.cat.api_keys[i].token, b.cat.api_keys[i].token);
    EXPECT_EQ(a.cat.api_keys[i].name, b.cat.api_keys[i].name);
    EXPECT_EQ(a.cat.api_keys[i].date_created, b.cat.api_keys[i].date_created);
  }

  EXPECT_EQ(dump_seed(b.cat), dump_seed(a.cat)) << "the seed view of the state is unchanged";
  EXPECT_EQ(serialize_state(persisted_part(b)), text) << "the format is a fixed point";
}

TEST(StateFile, GeneratedContentRoundTrip) {
  GeneratorOptions g;
  g.movies = 300;
  g.series = 6;
  g.users = 3;
  g.variant = 'b';
  State a(generate(g));
  a.source = "generate " + generator_spec(g);
  std::string text = serialize_state(persisted_part(a));
  auto parsed = parse_state(text, "State file g.json");
  ASSERT_TRUE(parsed) << parsed.error().message;
  State b = restore_state(std::move(*parsed));
  EXPECT_EQ(dump_seed(b.cat), dump_seed(a.cat));
  expect_same_users(a, b);
  expect_same_items(a, b);
  EXPECT_EQ(serialize_state(persisted_part(b)), text);
}

TEST(StateFile, TheSeedPartIsTheSeedFormat) {
  auto cat = load_seed_file(testing::small_seed_path());
  ASSERT_TRUE(cat);
  State a(std::move(*cat));
  issue_token(a, a.cat.users[0], DeviceInfo{"d", "n", "c", "1"}, 1'700'000'000'000'000);
  std::string text = serialize_state(persisted_part(a));
  // Without the three state members the document is a seed file.
  auto doc = json::parse(text);
  ASSERT_TRUE(doc);
  for (const char* k : {"StateVersion", "Source", "Devices"}) doc->RemoveMember(k);
  auto seed = parse_seed(json::stringify(*doc));
  ASSERT_TRUE(seed) << seed.error().message;
  EXPECT_EQ(text.rfind(R"({"StateVersion":1,)", 0), 0u) << "the version comes first";
}

TEST(StateFile, ErrorsNameTheFileAndTheProblem) {
  State good = rich_state();
  std::string text = serialize_state(persisted_part(good));
  auto with = [&](const std::string& from, const std::string& to) {
    std::string t = text;
    auto at = t.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) t.replace(at, from.size(), to);
    return t;
  };
  const std::string token = good.tokens.begin()->first;
  struct Case {
    std::string text;
    std::string says;
  };
  const Case cases[] = {
      {"", "empty"},
      {"  \n", "empty"},
      {text.substr(0, text.size() / 2), "not valid JSON (truncated or corrupt?) at byte "},
      {"[]", "must be a JSON object"},
      {R"({"ServerName": "x"})", "no 'StateVersion'"},
      {with(R"("StateVersion":1)", R"("StateVersion":2)"), "'StateVersion' 2 is not supported"},
      {with(R"("StateVersion":1)", R"("StateVersion":"1")"), "'StateVersion' must be an integer"},
      {with(R"("Source":)", R"("Bogus":1,"Source":)"), "unknown property 'Bogus'"},
      {with(R"("UserId":")", R"("UserId":"0)"), "Devices[0]: 'UserId' must be a GUID"},
      {with(R"("Devices":[)",
            R"("Devices":[{"AccessToken":"t","UserId":"a00000000000400080000000000000ee"},)"),
       "Devices[0]: no user with the id a00000000000400080000000000000ee"},
      {with(R"("Devices":[)", R"("Devices":[{"AccessToken":")" + token + R"(","UserId":")" +
                                  small::kAlice + R"("},)"),
       "duplicate 'AccessToken'"},
      {with(R"("Devices":[)", R"("Devices":[{"UserId":")" + std::string(small::kAlice) + R"("},)"),
       "Devices[0]: 'AccessToken' is required"},
      {with(R"("Devices":[)", R"("Devices":[{"AccessToken":"t","UserId":")" +
                                  std::string(small::kAlice) + R"(","DateCreated":"soon"},)"),
       "Devices[0]: 'DateCreated' is not a valid date"},
      {with(R"("Users":[)", R"("Users":[{"Name":"admin"},)"), "duplicate user name 'admin'"},
  };
  for (const Case& c : cases) {
    auto r = parse_state(c.text, "State file /x/s.json");
    ASSERT_FALSE(r) << c.says;
    EXPECT_EQ(r.error().code, "invalid_state_file");
    EXPECT_EQ(r.error().message.rfind("State file /x/s.json: ", 0), 0u) << r.error().message;
    EXPECT_NE(r.error().message.find(c.says), std::string::npos) << r.error().message;
  }
}

TEST(StateFile, ReadStateFile) {
  TempDir dir;
  auto missing = read_state_file(dir.file("none.json"));
  ASSERT_TRUE(missing) << missing.error().message;
  EXPECT_FALSE(*missing) << "a missing file is not an error";
  auto folder = read_state_file(dir.path());
  ASSERT_FALSE(folder);
  EXPECT_NE(folder.error().message.find(dir.path() + ": it is not a regular file"),
            std::string::npos)
      << folder.error().message;
  ASSERT_TRUE(write_file_atomic(dir.file("s.json"), serialize_state(persisted_part(rich_state()))));
  auto loaded = read_state_file(dir.file("s.json"));
  ASSERT_TRUE(loaded && *loaded) << (loaded ? "" : loaded.error().message);
  EXPECT_EQ((*loaded)->devices.size(), 2u);
}

TEST(AtomicFile, ReplacesWithMode0600AndLeavesNoTemporaryFile) {
  TempDir dir;
  const std::string path = dir.file("state.json");
  mode_t old_umask = ::umask(0);
  Status st = write_file_atomic(path, "one");
  ::umask(old_umask);
  ASSERT_TRUE(st) << st.error().message;
  EXPECT_EQ(file_mode(path), 0600u);
  ASSERT_EQ(::chmod(path.c_str(), 0644), 0);
  ASSERT_TRUE(write_file_atomic(path, "two"));
  EXPECT_EQ(file_mode(path), 0600u) << "a wider mode is not kept";
  auto text = read_file_if_exists(path);
  ASSERT_TRUE(text && *text);
  EXPECT_EQ(**text, "two");
  int entries = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
    ++entries;
    EXPECT_EQ(e.path().filename(), "state.json");
  }
  EXPECT_EQ(entries, 1);

  Status bad = write_file_atomic(dir.file("no/such/folder.json"), "x");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find(dir.file("no/such/folder.json")), std::string::npos);
}

// ---------------------------------------------------------------- the saver

TEST(StateSaver, SavesPendingChangesOnStopAndSkipsIdenticalContent) {
  TempDir dir;
  const std::string path = dir.file("state.json");
  auto cat = load_seed_file(testing::small_seed_path());
  ASSERT_TRUE(cat);
  Store store;
  store.replace(State(std::move(*cat)));
  // An interval so long that only save_now() and stop() save in this test.
  StateSaver saver(store, path, std::chrono::hours(1));
  ASSERT_TRUE(saver.save_now());
  EXPECT_EQ(saver.writes(), 1u);
  saver.start();
  store.write([](State&) {});  // a write that changes nothing
  ASSERT_TRUE(saver.stop());
  EXPECT_EQ(saver.writes(), 1u) << "identical bytes are not written again";

  saver.start();
  store.write([](State& s) { s.cat.api_keys.push_back(ApiKey{"k", "pending", kNoDate}); });
  ASSERT_TRUE(saver.stop()) << "stop() saves what the debounce still holds back";
  EXPECT_EQ(saver.writes(), 2u);
  auto saved = read_state_file(path);
  ASSERT_TRUE(saved && *saved);
  EXPECT_EQ((*saved)->cat.api_keys.back().name, "pending");
  ASSERT_TRUE(saver.stop()) << "idempotent";
  EXPECT_EQ(saver.writes(), 2u);
}

// ---------------------------------------------------------------- in-process server

using testing::ApiClient;

// Polls the file until pred accepts its parsed content (every read must parse).
bool wait_for_file(const std::string& path,
                   const std::function<bool(const PersistedState&)>& pred) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline) {
    auto r = read_state_file(path);
    EXPECT_TRUE(r) << r.error().message;
    if (r && *r && pred(**r)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return false;
}

bool has_row(const PersistedState& p, const char* user_id, const char* item_id,
             const std::function<bool(const UserData&)>& check) {
  State s = restore_state(p);
  const User* u = s.user(*parse_guid(user_id));
  uint32_t i = s.find_item(*parse_guid(item_id));
  if (!u || i == kNone) return false;
  auto it = u->data.find(i);
  return it != u->data.end() && check(it->second);
}

class StateFileServerTest : public testing::StandinTest {
 protected:
  void SetUp() override {}
  StandinOptions options() {
    StandinOptions o = testing::small_options();
    o.state_file = dir_.file("state.json");
    o.state_save_interval = std::chrono::milliseconds(10);
    return o;
  }
  TempDir dir_;
};

TEST_F(StateFileServerTest, SavesChangesAndResets) {
  start(options());
  const std::string path = dir_.file("state.json");
  EXPECT_EQ(file_mode(path), 0600u) << "created at start";
  EXPECT_FALSE(server_->state_loaded());
  ApiClient a = alice();
  ASSERT_EQ(a.post(std::string("/UserFavoriteItems/") + small::kArrival).status, 200);
  EXPECT_TRUE(wait_for_file(path, [&](const PersistedState& p) {
    bool token = false;
    for (const auto& d : p.devices) token = token || d.token == a.token;
    return token &&
           has_row(p, small::kAlice, small::kArrival, [](const UserData& d) { return d.favorite; });
  })) << "the token and the favourite reach the file";

  ASSERT_EQ(a.control("POST", "/__standin/reset").status, 204);
  EXPECT_TRUE(wait_for_file(path, [&](const PersistedState& p) {
    return p.devices.empty() &&
           !has_row(p, small::kAlice, small::kArrival, [](const UserData&) { return true; });
  })) << "a reset is saved too";
  EXPECT_EQ(file_mode(path), 0600u);
}

TEST_F(StateFileServerTest, StartsFromTheFileAndKeepsTokens) {
  start(options());
  ApiClient a = alice();
  ASSERT_EQ(a.post(std::string("/UserPlayedItems/") + small::kArrival).status, 200);
  server_->stop();
  ASSERT_TRUE(server_->save_status());

  start(options());
  EXPECT_TRUE(server_->state_loaded());
  ApiClient again = client("alice-device");
  again.token = a.token;
  auto me = again.get("/Users/Me");
  ASSERT_EQ(me.status, 200) << "a token issued before the restart still works";
  EXPECT_EQ(me.str("Name"), "alice");
  auto data = again.get(std::string("/UserItems/") + small::kArrival + "/UserData");
  EXPECT_TRUE(data.boolean("Played"));
}

TEST_F(StateFileServerTest, UnwritableLocationIsAStartError) {
  StandinOptions o = options();
  o.state_file = dir_.file("missing-folder/state.json");
  auto s = Standin::create(o);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find(o.state_file), std::string::npos) << s.error().message;
}

TEST_F(StateFileServerTest, CorruptFileIsAStartErrorAndStaysUntouched) {
  const std::string path = dir_.file("state.json");
  const std::string garbage = R"({"StateVersion":1,"Users":[{"Name":)";
  ASSERT_TRUE(write_file_atomic(path, garbage, 0640));
  auto s = Standin::create(options());
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("State file " + path + ": not valid JSON"), std::string::npos)
      << s.error().message;
  auto text = read_file_if_exists(path);
  ASSERT_TRUE(text && *text);
  EXPECT_EQ(**text, garbage);
  EXPECT_EQ(file_mode(path), 0640u);
}

// Writers mutate over HTTP while the saver saves continuously; every version
// of the file a reader sees is complete and loadable, never older than the
// one before, and the final save holds every change.
TEST_F(StateFileServerTest, ConcurrentMutationsAlwaysLeaveALoadableFile) {
  StandinOptions o = options();
  o.state_save_interval = std::chrono::milliseconds(0);
  start(o);
  const std::string path = dir_.file("state.json");
  constexpr int kWriters = 3;
  std::atomic<bool> stop{false};
  std::atomic<int> keys_created{0};
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) {
    writers.emplace_back([&, w] {
      ApiClient c = as("admin", "admin-password", "writer-" + std::to_string(w));
      for (int n = 0; !stop; ++n) {
        if (c.post("/Auth/Keys?app=w" + std::to_string(w) + "-" + std::to_string(n)).status == 204)
          ++keys_created;
        const char* item = n % 2 ? small::kMatrix : small::kPilot;
        (void)c.post(std::string(n % 4 < 2 ? "/UserFavoriteItems/" : "/UserPlayedItems/") + item);
        (void)c.del(std::string("/UserFavoriteItems/") + item);
      }
    });
  }
  size_t versions = 0, last_keys = 0;
  std::string last;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  bool broken = false;
  while (!broken && versions < 25 && std::chrono::steady_clock::now() < deadline) {
    auto text = read_file_if_exists(path);
    if (!text || !*text) {
      ADD_FAILURE() << "the state file is missing or unreadable";
      break;
    }
    if (**text == last) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));  // polling, not waiting
      continue;
    }
    auto p = parse_state(**text, path);
    if (!p) {
      ADD_FAILURE() << "a partial file was visible: " << p.error().message;
      broken = true;
      continue;
    }
    EXPECT_GE(p->cat.api_keys.size(), last_keys) << "a save never goes back in time";
    last_keys = p->cat.api_keys.size();
    last = std::move(**text);
    ++versions;
  }
  stop = true;
  for (auto& t : writers) t.join();
  EXPECT_GE(versions, 25u) << "the file kept changing while the writers ran";
  server_->stop();  // the final save
  ASSERT_TRUE(server_->save_status());
  auto final_state = read_state_file(path);
  ASSERT_TRUE(final_state && *final_state);
  EXPECT_EQ((*final_state)->cat.api_keys.size(), 1u + static_cast<size_t>(keys_created.load()))
      << "the last save holds every change";
}

}  // namespace
}  // namespace jb::standin
