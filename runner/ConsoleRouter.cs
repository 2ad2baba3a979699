using System.Text;

namespace Workbook.Notebooks;

/// <summary>
/// Console.Out and Console.Error replaced once per process by writers that send each write to the cell running in
/// the current async flow, or to the real console otherwise. Swapping Console.Out per cell instead would mix up
/// outputs as soon as two notebooks run at once (tests do) or a progress display writes while a cell runs.
/// </summary>
internal sealed class ConsoleRouter(TextWriter fallback) : TextWriter
{
    private static readonly AsyncLocal<TextWriter?> Target = new();
    private static readonly object Gate = new();
    private static bool _installed;

    public override Encoding Encoding => fallback.Encoding;

    private TextWriter Current => Target.Value ?? fallback;

    /// <summary>Routes the console of the current async flow (a cell and every task it starts) to <paramref name="writer"/> until disposed.</summary>
    public static IDisposable Redirect(TextWriter writer)
    {
        Install();
        var previous = Target.Value;
        Target.Value = writer;
        return new Restore(previous);
    }

    private static void Install()
    {
        lock (Gate)
        {
            if (_installed) return;
            Console.SetOut(new ConsoleRouter(Console.Out));
            Console.SetError(new ConsoleRouter(Console.Error));
            _installed = true;
        }
    }

    public override void Write(char value) => Current.Write(value);
    public override void Write(string? value) => Current.Write(value);
    public override void Write(char[] buffer, int index, int count) => Current.Write(buffer, index, count);
    public override void WriteLine(string? value) => Current.WriteLine(value);
    public override void Flush() => Current.Flush();

    private sealed class Restore(TextWriter? previous) : IDisposable
    {
        public void Dispose() => Target.Value = previous;
    }
}
