// Unit tests for json.h, including hostile input.
#include "common/core/json.h"

#include <gtest/gtest.h>

using namespace jb;

TEST(Json, ParseErrorSaysWhere) {
  auto r = json::parse("{\"a\" 1}");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "invalid_json");
  EXPECT_EQ(r.error().http_status, 400);
  EXPECT_NE(r.error().message.find("byte 5"), std::string::npos) << r.error().message;
}

TEST(Json, RejectsTrailingGarbageAndEmpty) {
  EXPECT_FALSE(json::parse("{} {}").ok());
  EXPECT_FALSE(json::parse("").ok());
  EXPECT_FALSE(json::parse("\xff\xfe").ok());
}

TEST(Json, DeepNestingDoesNotOverflowTheStack) {
  std::string deep(200000, '[');
  EXPECT_FALSE(json::parse(deep).ok());
  std::string ok = std::string(10000, '[') + std::string(10000, ']');
  EXPECT_TRUE(json::parse(ok).ok());
}

TEST(Json, WriterOmitsNullOptionals) {
  json::Writer w;
  std::optional<std::string> none;
  std::optional<int64_t> some = 5;
  w.begin_object()
      .kv("a", "x\"y")
      .kv_opt("b", none)
      .kv_opt("c", some)
      .kv("d", true)
      .kv_null("e")
      .end_object();
  EXPECT_EQ(w.str(), R"({"a":"x\"y","c":5,"d":true,"e":null})");
}

TEST(Json, LenientGetters) {
  auto d = json::parse(R"({"S":"v","N":"12","I":7,"B":true,"X":[1]})");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(json::get_string(*d, "S"), "v");
  EXPECT_EQ(json::get_string(*d, "I", "dflt"), "dflt");
  EXPECT_EQ(json::get_int(*d, "N"), 12);  // numbers may come as strings
  EXPECT_EQ(json::get_int(*d, "I"), 7);
  EXPECT_FALSE(json::opt_int(*d, "S"));
  EXPECT_TRUE(json::get_bool(*d, "B"));
  EXPECT_FALSE(json::opt_bool(*d, "X"));
  EXPECT_NE(json::member_ci(*d, "s"), nullptr);
  EXPECT_EQ(json::member(*d, "missing"), nullptr);
}

// Found by fuzz/jellyfin_items_fuzz.cpp: a double beyond int64's range was cast to
// int64 (undefined behaviour; garbage ticks or counts in practice).
TEST(Json, IntegersOutOfRangeAreAbsent) {
  auto d = json::parse(
      R"({"Big":1e300,"Neg":-1e300,"U":18446744073709551615,"Edge":9223372036854775808,
          "Min":-9223372036854775808,"Frac":1.9,"NegFrac":-2.5})");
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(json::opt_int(*d, "Big"));
  EXPECT_FALSE(json::opt_int(*d, "Neg"));
  EXPECT_FALSE(json::opt_int(*d, "U"));     // 2^64 - 1: a uint64, not an int64
  EXPECT_FALSE(json::opt_int(*d, "Edge"));  // 2^63
  EXPECT_EQ(json::opt_int(*d, "Min"), INT64_MIN);
  EXPECT_EQ(json::opt_int(*d, "Frac"), 1);  // truncated, as before
  EXPECT_EQ(json::opt_int(*d, "NegFrac"), -2);
  EXPECT_EQ(json::get_int(*d, "Big", 7), 7);
}

TEST(Json, FieldsCollectsEveryProblem) {
  auto d = json::parse(R"({"name":5,"age":"x","flag":1,"extra":true,"empty":""})");
  ASSERT_TRUE(d.ok());
  json::Fields f(*d);
  EXPECT_FALSE(f.string("name", true));
  EXPECT_FALSE(f.integer("age", true));
  EXPECT_FALSE(f.boolean("flag", false));
  EXPECT_FALSE(f.string("missing", true));
  EXPECT_FALSE(f.string("empty", true));
  f.reject_unknown({"name", "age", "flag", "missing", "empty"});
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.problems().size(), 6u);
  Error e = f.error();
  EXPECT_EQ(e.http_status, 400);
  EXPECT_NE(e.message.find("'name' must be a string"), std::string::npos) << e.message;
  EXPECT_NE(e.message.find("'missing' is required"), std::string::npos);
  EXPECT_NE(e.message.find("'extra' is not a known field"), std::string::npos);
}

TEST(Json, FieldsRangeAndNonObject) {
  auto d = json::parse(R"({"n":100})");
  json::Fields f(*d);
  EXPECT_FALSE(f.integer("n", true, 0, 10));
  EXPECT_FALSE(f.ok());
  auto arr = json::parse("[1]");
  json::Fields g(*arr);
  EXPECT_FALSE(g.ok());
  EXPECT_NE(g.error().message.find("the body must be a JSON object"), std::string::npos);
}
