namespace Workbook;

/// <summary>
/// The machine's load averages, printed beside every benchmark result: the development machine is shared, and a wall
/// time means little without the load it was measured under. Linux only (<c>/proc/loadavg</c>); elsewhere "unknown".
/// </summary>
public static class MachineLoad
{
    /// <summary>The 1-, 5- and 15-minute load averages, e.g. "1.52 1.10 0.97".</summary>
    public static string Now() => Fields() is { } f ? string.Join(' ', f.Take(3)) : "unknown";

    /// <summary>The 1-minute load average alone, for a table column.</summary>
    public static string OneMinute() => Fields() is { } f ? f[0] : "unknown";

    private static string[]? Fields()
    {
        try { return File.ReadAllText("/proc/loadavg").Split(' ', StringSplitOptions.RemoveEmptyEntries); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }
}
