using System.Diagnostics;

namespace Workbook;

/// <summary>
/// The process's peak resident memory since the last <see cref="Reset"/>, so models measured one after another in one
/// process each get their own peak (Linux: writing 5 to /proc/self/clear_refs resets VmHWM). Elsewhere, or if the reset
/// is refused, the process's lifetime peak (an upper bound). The benchmarks and the classify trials' cost metrics use it.
/// </summary>
internal static class PeakMemory
{
    public static void Reset()
    {
        try { File.WriteAllText("/proc/self/clear_refs", "5"); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    public static long Read()
    {
        try
        {
            var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            if (line is not null) return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException) { }
        return Process.GetCurrentProcess().PeakWorkingSet64;
    }
}
