using Workbook.SearchLogs;

namespace Workbook.Tests.SearchLogs;

public class LogTimestampTests
{
    [Theory]
    [InlineData("2020-03-10 09:24:31.000 -0400", "2020-03-10T13:24:31.000Z", "-04:00")]
    [InlineData("2019-05-30 18:34:31+02:00", "2019-05-30T16:34:31.000Z", "+02:00")]
    [InlineData("2019-05-30 18:34:31-05:30", "2019-05-31T00:04:31.000Z", "-05:30")]
    [InlineData("2020-01-01T00:00:00Z", "2020-01-01T00:00:00.000Z", "+00:00")]
    [InlineData("2020-01-01 00:30:00.5+01", "2019-12-31T23:30:00.500Z", "+01:00")]
    [InlineData(" 2020-02-29 23:59:59.123456 +0000 ", "2020-02-29T23:59:59.123Z", "+00:00")]
    [InlineData("9999-12-31 23:59:59.999 +0000", "9999-12-31T23:59:59.999Z", "+00:00")]
    [InlineData("1970-01-01 00:00:00 +14:00", "1969-12-31T10:00:00.000Z", "+14:00")]
    public void Parses_the_log_shapes_to_utc(string raw, string utc, string offset)
    {
        Assert.Null(LogTimestamp.TryParse(raw, out var ms, out var minutes));
        Assert.Equal(utc, LogTimestamp.FormatUtc(ms));
        Assert.Equal(offset, LogTimestamp.FormatOffset(minutes));
        Assert.Equal(DateTimeOffset.Parse(utc).ToUnixTimeMilliseconds(), ms);
    }

    [Theory]
    [InlineData("2020-01-02 03:04:05", "no UTC offset")]
    [InlineData("2020-02-30 10:00:00.000 -0400", "out of range")]
    [InlineData("2020-13-01 10:00:00 -0400", "out of range")]
    [InlineData("2020-01-01 24:00:00 -0400", "out of range")]
    [InlineData("10/03/2020 09:24:31 -0400", "not yyyy-MM-dd")]
    [InlineData("2020-01-01 10:00:00 EST", "offset")]
    [InlineData("2020-01-01 10:00:00 +25:00", "offset out of range")]
    [InlineData("2020-01-01 10:00:00. -0400", "fraction")]
    [InlineData("yesterday", "too short")]
    [InlineData("9999-12-31 23:59:59.999 -0500", "after 9999-12-31")]
    [InlineData("9999-12-31 23:59:59.999 -00:01", "after 9999-12-31")]
    public void Rejects_what_has_no_single_instant(string raw, string why)
    {
        var problem = LogTimestamp.TryParse(raw, out _, out _);
        Assert.NotNull(problem);
        Assert.Contains(why, problem);
    }
}
