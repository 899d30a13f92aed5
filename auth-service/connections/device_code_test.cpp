// Unit tests of reading and masking a device's Quick Connect code.
#include "auth-service/connections/device_code.h"

#include <gtest/gtest.h>

using jb::auth::masked_device_code;
using jb::auth::read_device_code;

TEST(DeviceCode, SixDigitsWithSpacesOrHyphensBetween) {
  EXPECT_EQ(read_device_code("123456"), "123456");
  EXPECT_EQ(read_device_code("123 456"), "123456");
  EXPECT_EQ(read_device_code(" 123-456 "), "123456");
  EXPECT_EQ(read_device_code("000000"), "000000");
}

TEST(DeviceCode, AnythingElseIsRefused) {
  EXPECT_FALSE(read_device_code(""));
  EXPECT_FALSE(read_device_code("12345"));
  EXPECT_FALSE(read_device_code("1234567"));
  EXPECT_FALSE(read_device_code("12345a"));
  EXPECT_FALSE(read_device_code("12.3456"));
  EXPECT_FALSE(read_device_code("１２３４５６"));  // full-width digits
  EXPECT_FALSE(read_device_code("123456\n"));
  EXPECT_FALSE(read_device_code(std::string(1000, '1')));
}

TEST(DeviceCode, MaskedKeepsTwoDigits) {
  EXPECT_EQ(masked_device_code("123456"), "12••••");
  EXPECT_EQ(masked_device_code("9"), "••••");
  EXPECT_EQ(masked_device_code("123456").find("3456"), std::string::npos);
}
