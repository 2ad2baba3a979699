using System.Diagnostics;

namespace Workbook.Reports;

/// <summary>
/// Announces every data file a loader opens, so whoever runs the code (the notebook runner) can list exactly what a
/// run read without the author listing files by hand. The library keeps no list: it publishes one "Read" event with
/// the file's full path on the <see cref="DiagnosticListener"/> named <see cref="ListenerName"/>, and a subscriber
/// collects what concerns it. With no subscriber a read costs one check.
/// </summary>
internal static class DataLineage
{
    /// <summary>The listener's name; subscribers find it through <see cref="DiagnosticListener.AllListeners"/>.</summary>
    public const string ListenerName = "Workbook.DataLineage";

    /// <summary>The event's name; its payload is the full path of the file read (a string).</summary>
    public const string ReadEvent = "Read";

    private static readonly DiagnosticListener Source = new(ListenerName);

    /// <summary>Announces that <paramref name="path"/> was read (made absolute).</summary>
    public static void Record(string path)
    {
        if (Source.IsEnabled(ReadEvent)) Source.Write(ReadEvent, Path.GetFullPath(path));
    }
}
