// dto_system.cpp — PublicSystemInfo, SystemInfo, VirtualFolderInfo (see dto.h).
#include "tests/standin/dto.h"

namespace jb::standin {

void write_public_system_info(json::Writer& w, const ServerInfo& srv) {
  w.begin_object();
  w.kv("LocalAddress", srv.local_address);
  w.kv("ServerName", srv.name);
  w.kv("Version", srv.version);
  w.kv("ProductName", "Jellyfin Server");
  w.kv("OperatingSystem", "");
  w.kv("Id", srv.id);
  w.kv("StartupWizardCompleted", true);
  w.end_object();
}

void write_system_info(json::Writer& w, const ServerInfo& srv, int port) {
  w.begin_object();
  w.kv("LocalAddress", srv.local_address);
  w.kv("ServerName", srv.name);
  w.kv("Version", srv.version);
  w.kv("ProductName", "Jellyfin Server");
  w.kv("OperatingSystem", "");
  w.kv("Id", srv.id);
  w.kv("StartupWizardCompleted", true);
  w.kv("OperatingSystemDisplayName", "");
  w.kv("PackageName", "jellyfin-standin");
  w.kv("HasPendingRestart", false);
  w.kv("IsShuttingDown", false);
  w.kv("SupportsLibraryMonitor", true);
  w.kv("WebSocketPortNumber", port);
  w.key("CompletedInstallations").begin_array().end_array();
  w.kv("CanSelfRestart", true);
  w.kv("CanLaunchWebBrowser", false);
  w.kv("ProgramDataPath", "/var/lib/jellyfin");
  w.kv("WebPath", "/usr/share/jellyfin/web");
  w.kv("ItemsByNamePath", "/var/lib/jellyfin/metadata");
  w.kv("CachePath", "/var/cache/jellyfin");
  w.kv("LogPath", "/var/log/jellyfin");
  w.kv("InternalMetadataPath", "/var/lib/jellyfin/metadata");
  w.kv("TranscodingTempPath", "/var/lib/jellyfin/transcodes");
  w.key("CastReceiverApplications").begin_array().end_array();
  w.kv("HasUpdateAvailable", false);
  w.kv("EncoderLocation", "System");
  w.kv("SystemArchitecture", "X64");
  w.end_object();
}

void write_virtual_folder(json::Writer& w, const Library& lib) {
  w.begin_object();
  w.kv("Name", lib.name);
  w.key("Locations").begin_array();
  for (const auto& l : lib.locations) w.value(l);
  w.end_array();
  if (!lib.collection_type.empty() && lib.collection_type != "mixed")
    w.kv("CollectionType", lib.collection_type);
  w.key("LibraryOptions").begin_object();
  w.kv("Enabled", true);
  w.kv("EnablePhotos", true);
  w.kv("EnableRealtimeMonitor", true);
  w.kv("EnableLUFSScan", true);
  w.kv("EnableChapterImageExtraction", false);
  w.kv("ExtractChapterImagesDuringLibraryScan", false);
  w.kv("EnableTrickplayImageExtraction", false);
  w.kv("ExtractTrickplayImagesDuringLibraryScan", false);
  w.key("PathInfos").begin_array();
  for (const auto& l : lib.locations) w.begin_object().kv("Path", l).end_object();
  w.end_array();
  w.kv("SaveLocalMetadata", false);
  w.kv("EnableInternetProviders", true);
  w.kv("EnableAutomaticSeriesGrouping", false);
  w.kv("EnableEmbeddedTitles", false);
  w.kv("EnableEmbeddedExtrasTitles", false);
  w.kv("EnableEmbeddedEpisodeInfos", false);
  w.kv("AutomaticRefreshIntervalDays", 0);
  w.kv("PreferredMetadataLanguage", "en");
  w.kv("MetadataCountryCode", "US");
  w.kv("SeasonZeroDisplayName", "Specials");
  w.key("MetadataSavers").begin_array().end_array();
  w.key("DisabledLocalMetadataReaders").begin_array().end_array();
  w.key("LocalMetadataReaderOrder").begin_array().value("Nfo").end_array();
  w.key("DisabledSubtitleFetchers").begin_array().end_array();
  w.key("SubtitleFetcherOrder").begin_array().end_array();
  w.key("DisabledMediaSegmentProviders").begin_array().end_array();
  w.key("MediaSegmentProviderOrder").begin_array().end_array();
  w.kv("SkipSubtitlesIfEmbeddedSubtitlesPresent", false);
  w.kv("SkipSubtitlesIfAudioTrackMatches", false);
  w.key("SubtitleDownloadLanguages").begin_array().end_array();
  w.kv("RequirePerfectSubtitleMatch", true);
  w.kv("SaveSubtitlesWithMedia", true);
  w.kv("SaveLyricsWithMedia", false);
  w.kv("SaveTrickplayWithMedia", false);
  w.key("DisabledLyricFetchers").begin_array().end_array();
  w.key("LyricFetcherOrder").begin_array().end_array();
  w.kv("PreferNonstandardArtistsTag", false);
  w.kv("UseCustomTagDelimiters", false);
  w.key("CustomTagDelimiters")
      .begin_array()
      .value("/")
      .value("|")
      .value(";")
      .value("\\")
      .end_array();
  w.key("DelimiterWhitelist").begin_array().end_array();
  w.kv("AutomaticallyAddToCollection", false);
  w.kv("AllowEmbeddedSubtitles", "AllowAll");
  w.key("TypeOptions").begin_array().end_array();
  w.end_object();
  w.kv("ItemId", lib.id.str());
  w.kv("RefreshStatus", "Idle");
  w.end_object();
}

}  // namespace jb::standin
