// EventStream: numbering, the replay window, and what a stream keeps once its events went out.
#include <gtest/gtest.h>

#include "../../../src/transport/http/event_stream.hpp"

using cmon_mcp::transport::http::EventStream;

TEST(EventStream, StreamWithIdsKeepsDeliveredEventsForReplay) {
  EventStream es("g", 8, true);
  es.push("message", "one");
  es.push("message", "two");
  es.delivered(es.next_seq());
  auto snap = es.read_from(1);
  ASSERT_EQ(snap.events.size(), 2u);  // a client that lost the connection may resume from the start
  EXPECT_EQ(snap.events[0].data, "one");
  EXPECT_FALSE(snap.lost);
}

TEST(EventStream, StreamWithoutIdsDropsWhatWasDelivered) {
  EventStream es("l", 8, false);
  es.push("endpoint", "/message?sessionId=x");
  es.push("message", "answer");
  es.delivered(2);  // the first event went out
  auto snap = es.read_from(2);
  ASSERT_EQ(snap.events.size(), 1u);
  EXPECT_EQ(snap.events[0].data, "answer");
  es.delivered(es.next_seq());
  EXPECT_TRUE(es.read_from(es.next_seq()).events.empty());
  // Numbering goes on after the buffer was released.
  es.push("message", "later");
  auto after = es.read_from(3);
  ASSERT_EQ(after.events.size(), 1u);
  EXPECT_EQ(after.events[0].seq, 3u);
  EXPECT_EQ(after.events[0].data, "later");
}

TEST(EventStream, ReplayWindowIsBoundedAndReportsLoss) {
  EventStream es("g", 2, true);
  for (const char* d : {"a", "b", "c"}) es.push("message", d);
  auto snap = es.read_from(1);
  EXPECT_TRUE(snap.lost);
  ASSERT_EQ(snap.events.size(), 2u);
  EXPECT_EQ(snap.events[0].data, "b");
}

TEST(EventStream, EmptyStreamReadsNothing) {
  EventStream es("g", 4, true);
  auto snap = es.read_from(1);
  EXPECT_TRUE(snap.events.empty());
  EXPECT_FALSE(snap.lost);
  EXPECT_FALSE(snap.ended);
  es.finish(std::nullopt);
  EXPECT_TRUE(es.read_from(1).ended);
}
