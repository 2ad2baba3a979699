using Workbook.Tests.Infrastructure;

namespace Workbook.Tests.Reports;

/// <summary>Notebook 00 rendered once by the real CLI (`report notebooks/00-workbook-tour.dib --output tmp`), shared by the report tests.</summary>
public sealed class RenderedTour : IDisposable
{
    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "wb-reports-" + Guid.NewGuid().ToString("N")[..8]);
    public CliProcess.Result Cli { get; }
    public string ReportPath => Path.Combine(Directory, "00-workbook-tour.html");
    public string IndexPath => Path.Combine(Directory, "index.html");

    public RenderedTour()
    {
        Cli = CliProcess.Run(["report", "notebooks/00-workbook-tour.dib", "--output", Directory], timeout: TimeSpan.FromMinutes(3));
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
