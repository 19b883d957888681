"""Published records: pydantic v2 models, the single source of the JSON Schema.

Records carry what the sources say about a cluster and nothing about how it was fetched:
snapshot hashes, URLs and fetch times belong in the manifest (see ``publish.py``).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_VERSION = "1.2"  # 1.2: place (derived); 1.1: region, city, as_of, rounds[].planned_start; 1.0: the first

# Values with a standard form, checked where they are made and carried into every schema and table generated from
# these models (JSON Schema, Table Schema, SQL CHECKs).
CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code.")]
PhoneNumber = Annotated[str, Field(pattern=r"^\+[1-9][0-9]{4,14}$", description="E.164 number.")]
StateCode = Annotated[str, Field(pattern=r"^DE-[A-Z]{2}$", description="ISO 3166-2 code of a German state.")]


class Record(BaseModel):
    """Base for published models: unknown keys are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Issue(Record):
    """Something a source says that could not be taken into a typed field, or was interpreted."""

    field: str = Field(
        examples=['target_countries.concept'],
        description="Dotted path of the field the value belongs to, e.g. 'contacts[0].email'.")
    message: str = Field(
        examples=["'Korea' read as the Republic of Korea (KR), the programme's partner country"],
        description="What is wrong or what was assumed, in plain English.")
    value: str | None = Field(
        examples=['Korea'], default=None, description="The raw text as the source wrote it.")


class Phases(Record):
    """A value per funding phase; null where the source has no line for that phase."""

    concept: list[str] | None = Field(default=None, description="Concept (development) phase.")
    implementation: list[str] | None = Field(default=None, description="Implementation phase.")


class Project(Record):
    """The cluster's internationalisation project, as its round's announcement or its own entry names it."""

    title: str | None = Field(
        examples=['Transatlantic Automated Driving Alliance (TADA)'], default=None,
        description="Project title as quoted (announcement or entry text).")
    acronym: str | None = Field(
        examples=['TADA'], default=None, description="Acronym given in parentheses in the title, or the short name "
                                                     "the text introduces for the project ('the project MInD').")
    source: str | None = Field(
        examples=['announcement-round-3-2017'], default=None,
        description="Id of the source naming the project: the round's announcement, else the directory entry.")
    evidence: str | None = Field(
        examples=['Through the project “German-French alliances for innovative mobility technologies (AllFraTech)” '
                  'the ...'], default=None,
        description="The sentence (or announcement line) that names it, verbatim.")


class Description(Record):
    """The entry's free text, by detected language."""

    en: str | None = Field(
        examples=['In addition to strengthening the cooperation with partners from Australia and the USA, ...'],
        default=None,
        description="English description paragraphs, joined by blank lines.")
    de: str | None = Field(
        examples=['Das Projekt „International Bridges for Innovation in Carbon Composites (MAI_iBIC)“ ...'],
        default=None,
        description="German description paragraphs, joined by blank lines.")


class Contact(Record):
    """A contact person (or an unnamed contact line) of a cluster."""

    name: str | None = Field(
        examples=['Erika Mustermann'], default=None, description="Person's name without titles or honorifics.")
    academic_title: str | None = Field(
        examples=['M.Sc.'], default=None, description="Academic titles, e.g. 'Dr.', 'M.Sc.'.")
    honorific: str | None = Field(examples=['Frau'], default=None, description="Form of address, e.g. 'Frau', 'Herr'.")
    role: str | None = Field(
        examples=['Head of International Services'], default=None, description="Role as written (German or English).")
    organisation: str | None = Field(
        examples=['Deutsches Forschungszentrum für Künstliche Intelligenz'], default=None,
        description="Organisation the contact works for.")
    email: str | None = Field(
        examples=['erika.mustermann@example.org'], default=None, description="Validated e-mail address.")
    phone: list[PhoneNumber] = Field(
        examples=[['+49301234567']], default_factory=list, description="Phone numbers in E.164.")
    fax: list[PhoneNumber] = Field(
        examples=[['+49301234568']], default_factory=list, description="Fax numbers in E.164.")
    mobile: list[PhoneNumber] = Field(
        examples=[['+491511234567']], default_factory=list, description="Mobile numbers in E.164.")


class Address(Record):
    """A postal address given in the entry."""

    organisation: str | None = Field(
        examples=['Open Hybrid LabFactory e.V.'], default=None, description="Organisation named with the address.")
    street: str | None = Field(
        examples=['Hermann-Münch-Straße 2'], default=None, description="Street and house number.")
    postcode: str | None = Field(
        examples=['38440'], default=None, description="Postcode as written, without country prefix.")
    city: str | None = Field(examples=['Wolfsburg'], default=None, description="City or town.")
    country: CountryCode | None = Field(examples=['DE'], default=None, description="ISO 3166-1 alpha-2 code.")


DERIVED_PLACE = ("Derived from `city` (and its address's country) through GeoNames' places, not stated by any "
                 "source: null where the city is not found, or several places have its name (an issue says which).")


class Place(Record):
    """Where the cluster's city is: derived from ``city`` through GeoNames, not stated by a source."""

    geonames_id: int = Field(examples=[2825297], description="GeoNames id of the place the city was found as.")
    name: str = Field(examples=['Stuttgart'], description="The place's GeoNames name ('Munich' for 'München').")
    state_code: StateCode | None = Field(
        examples=['DE-BW'], default=None,
        description="ISO 3166-2 code of the German federal state it lies in; null outside Germany.")
    state: str | None = Field(
        examples=['Baden-Württemberg'], default=None, description="The federal state's name (ISO 3166-2, German).")
    latitude: float = Field(examples=[48.78232], ge=-90, le=90, description="Latitude in degrees (WGS 84).")
    longitude: float = Field(examples=[9.17702], ge=-180, le=180, description="Longitude in degrees (WGS 84).")


class Cluster(Record):
    """One funded cluster or network, as the sources describe it."""

    id: str = Field(examples=['arena-2036'], description="Stable slug of the cluster's name; the key across versions.")
    name: str = Field(
        examples=['ARENA 2036'], description="Name: the entry's heading, else its organisation line, else derived.")
    organisation: str | None = Field(
        examples=['ARENA 2036 e.V.'], default=None, description="Organisation line under the heading.")
    aliases: list[str] = Field(
        examples=[['Forschungscampus ARENA2036']], default_factory=list,
        description="Other names used for it in the sources.")
    round: int | None = Field(examples=[3], default=None, ge=1, le=3,
                              description="Funding round it was announced in (1-3).")
    region: str | None = Field(
        examples=['Stade – Norddeutschland'], default=None,
        description="Place the round's announcement gives for it, as written (a region, a city or a scope).")
    city: str | None = Field(
        examples=['Wolfsburg'], default=None,
        description="City of the address of its own organisation, else of its first address that states one "
                    "(an issue when its addresses name different cities); null where no source states one.")
    place: Place | None = Field(default=None, description=DERIVED_PLACE)
    project: Project | None = Field(default=None, description="Internationalisation project.")
    target_countries: Phases = Field(
        examples=[{"concept": ["CN", "GB", "FI", "FR", "NL"], "implementation": ["FR"]}],
        default_factory=Phases, description="Target countries per phase, ISO 3166-1 alpha-2 codes."
    )
    target_regions: Phases = Field(
        examples=[{"concept": ["Asia-Pacific"], "implementation": []}],
        default_factory=Phases, description="Targets per phase that are regions, not countries."
    )
    description: Description = Field(default_factory=Description, description="Free text by language.")
    contacts: list[Contact] = Field(default_factory=list, description="Contact persons and lines.")
    addresses: list[Address] = Field(default_factory=list, description="Postal addresses.")
    sources: list[str] = Field(
        examples=[['announcement-round-3-2017', 'interspin-directory-en']], default_factory=list,
        description="Ids of the sources the record came from (the manifest's sources say when each is dated).")
    as_of: str | None = Field(
        examples=['2020-04-16'], default=None,
        description="Date the directory states its entries describe ('As of 16.04.2020'), ISO 8601; null if none.")
    issues: list[Issue] = Field(default_factory=list, description="Values not taken into fields, and why.")


class Name(Record):
    """A name by language; a language no source gives stays null."""

    en: str | None = Field(
        examples=['Internationalisation of Leading-Edge Clusters, Forward-Looking Projects, and Comparable Networks'],
        default=None,
        description="English name.")
    de: str | None = Field(default=None, description="German name.")


class Round(Record):
    """A funding round as far as the sources state it."""

    number: int = Field(examples=[3], ge=1, description="Round number, 1-based.")
    year: int | None = Field(examples=[2017], default=None, description="Year of the round's competition.")
    projects_selected: int | None = Field(
        examples=[10], default=None, description="Projects (clusters) selected in the round.")
    projects_selected_approx: int | None = Field(examples=[10], 
        default=None, description="An approximate figure a source gives for every round ('about 10').")
    planned_start: str | None = Field(
        examples=['2018-01'], default=None,
        description="Start of funding as announced beforehand ('will start in January 2018', 'scheduled for 2018'), "
                    "'YYYY-MM' or 'YYYY' as precise as stated: a plan, which no source confirms as having happened.")


class Phase(Record):
    """A phase of the funded projects."""

    name: str = Field(examples=['concept'], description="'concept' or 'implementation'.")
    max_years: int | None = Field(examples=[2], default=None, description="Longest duration of the phase in years.")


class ProgrammeContact(Record):
    """The funding measure's contact."""

    name: str | None = Field(examples=['Erika Mustermann'], default=None, description="Person's name without titles.")
    academic_title: str | None = Field(examples=['Dr.'], default=None, description="Academic titles, e.g. 'Dr.'.")
    organisation: str | None = Field(
        examples=['Project Management Jülich, Forschungszentrum Jülich GmbH'], default=None,
        description="Organisation.")
    email: str | None = Field(
        examples=['erika.mustermann@example.org'], default=None, description="Validated e-mail address.")
    phone: PhoneNumber | None = Field(examples=['+49301234567'], default=None, description="Phone number in E.164.")
    fax: PhoneNumber | None = Field(examples=['+49301234568'], default=None, description="Fax number in E.164.")


class Evidence(Record):
    """Where a programme fact comes from: the source and the sentence that states it."""

    path: str = Field(
        examples=['rounds[number=3].planned_start'],
        description="Path of the fact's value in programme.json: list items by their key, 'rounds[number=3]' being "
                    "round 3, 'phases[name=concept]' the concept phase, 'rounds[*]' every round.")
    source: str = Field(examples=['bmbf-programme-page-en'], description="Source id.")
    quote: str = Field(
        examples=['All projects will start in January 2018.'],
        description="The source's sentence or line stating the fact, whole.")
    source_date: str | None = Field(
        examples=['2016-10'], default=None,
        description="The date the source states for itself (its as-of note, edition or publication date).")


class Programme(Record):
    """The funding measure itself: rounds, funding cap, phases, contact (``programme.json``)."""

    name: Name = Field(default_factory=Name, description="The measure's name by language.")
    aliases: list[str] = Field(
        examples=[['Internationalisation of Top Clusters, Future Projects and Comparable Networks']],
        default_factory=list,
        description="Other names the sources use for the measure.")
    funder: str | None = Field(
        examples=['Federal Ministry of Education and Research (BMBF)'], default=None, description="Funding ministry.")
    rounds: list[Round] = Field(default_factory=list, description="Funding rounds, by number.")
    max_funding_eur: int | None = Field(
        examples=[4000000], default=None, description="Most funding per project, euros.")
    max_duration_years: int | None = Field(
        examples=[5], default=None, description="Longest funding period per project, years.")
    phases: list[Phase] = Field(default_factory=list, description="Phases of a funded project.")
    contact: ProgrammeContact | None = Field(default=None, description="Contact for the funding measure.")
    sources: list[str] = Field(
        examples=[['bmbf-flyer-2016', 'bmbf-programme-page-en']], default_factory=list,
        description="Ids of the sources stating these facts.")
    evidence: list[Evidence] = Field(default_factory=list, description="For each fact, its sources and sentences.")
    issues: list[Issue] = Field(default_factory=list, description="Where sources disagree or are vague.")


def issue(field: str, message: str, value: str | None = None) -> Issue:
    """Shorthand used by parsers and normalisers."""
    return Issue(field=field, message=message, value=value)
