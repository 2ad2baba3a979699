using System.Diagnostics;
using System.Globalization;

namespace Workbook.Products.Classification.Peers;

/// <summary>A peer program run under GNU time: wall seconds, peak resident memory, its output.</summary>
internal static class PeerProcess
{
    public sealed record Result(double Seconds, long PeakBytes, double CpuSeconds, string Stdout);

    public static Result Run(string program, IEnumerable<string> arguments, CancellationToken cancel = default)
    {
        var timeFile = Path.GetTempFileName();
        try
        {
            var psi = new ProcessStartInfo("/usr/bin/time") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var a in new[] { "-f", "%e %M %U %S", "-o", timeFile, program }.Concat(arguments)) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {program}.");
            var stdout = p.StandardOutput.ReadToEndAsync(cancel);
            var stderr = p.StandardError.ReadToEndAsync(cancel);
            p.WaitForExitAsync(cancel).GetAwaiter().GetResult();
            if (p.ExitCode != 0)
                throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({p.ExitCode}): {Tail(stderr.Result)}");
            var fields = File.ReadAllText(timeFile).Trim().Split('\n')[^1].Split(' ');
            double D(int i) => double.Parse(fields[i], CultureInfo.InvariantCulture);
            return new Result(D(0), long.Parse(fields[1], CultureInfo.InvariantCulture) * 1024, D(2) + D(3), stdout.Result);
        }
        finally
        {
            File.Delete(timeFile);
        }
    }

    private static string Tail(string s) => s.Length > 800 ? s[^800..] : s;
}
