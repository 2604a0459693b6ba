import type { Widen } from './widen.ts';

/** English UI strings: the reference catalogue. zh.ts must carry every key (the compiler enforces it). */
const catalogue = {
  app: {
    name: 'eidkit',
    tagline: 'An electronic ID that lives in your browser',
    skip: 'Skip to content',
    nav: 'Main',
    language: 'Language',
    loading: 'Loading…',
    footer: 'No server: everything on this site runs on your device. Photos, face data and credentials never leave it.',
    isolated: 'Cross-origin isolated: WebAssembly threads available.',
    notIsolated: 'Not cross-origin isolated: WebAssembly runs single-threaded.',
    updateAvailable: 'A new version of eidkit is available.',
    updateReload: 'Update now',
    updateLater: 'Later',
    offlineReady: 'eidkit is saved on this device and works offline.',
    dismiss: 'Dismiss',
    error: 'Something went wrong',
    details: 'Details',
  },
  nav: {
    home: 'Home',
    verify: 'Verify',
    wallet: 'Wallet',
    enrol: 'Enrol',
    issuer: 'Issuer desk',
    docs: 'Docs',
  },
  home: {
    title: 'An electronic ID card that lives in your phone’s browser',
    intro:
      'eidkit issues, holds and checks identity credentials without any server. The ID is a signed ISO 18013-5 credential, shown as a QR code; the verifier checks the signature offline and compares the face in front of them with the face in the credential, on the phone.',
    pick: 'What do you want to do?',
    verifyTitle: 'Check someone’s ID',
    verifyText: 'For hotels, shops, counters: scan the QR on their phone, then check their face.',
    verifyAction: 'Start verifying',
    walletTitle: 'Show my ID',
    walletText: 'Open your wallet, unlock it and show the refreshing QR code.',
    walletAction: 'Open wallet',
    enrolTitle: 'Get an ID',
    enrolText: 'Enter your details, photograph your ID card, scan your face and take the request to an issuer desk.',
    enrolAction: 'Start enrolment',
    issuerTitle: 'Issue IDs',
    issuerText: 'For issuer desks: check enrolment requests, issue and revoke credentials, publish trust and status lists.',
    issuerAction: 'Open the issuer desk',
    docsTitle: 'Build with eidkit',
    docsText: 'The integrator guide, how it works, the privacy and threat models, and benchmark results.',
    docsAction: 'Read the docs',
    privacyTitle: 'Private by design',
    privacyText:
      'This site makes no requests that carry images, face templates or credentials. After your first visit it works offline.',
  },
  verify: {
    title: 'Verify an ID',
    intro: 'Scan the QR code on the holder’s phone. Everything is checked on this device, offline.',
  },
  wallet: {
    title: 'My wallet',
    intro: 'Your credentials, encrypted on this device and unlocked with your PIN.',
  },
  enrol: {
    title: 'Get an electronic ID',
    intro: 'Four steps: your details, photos of your ID card, a live face scan, and the request you take to an issuer desk.',
  },
  issuer: {
    title: 'Issuer desk',
    intro: 'Check enrolment requests, issue and revoke credentials, and publish the files verifiers need. Runs offline.',
  },
  notFound: {
    title: 'Page not found',
    text: 'There is nothing at this address.',
    home: 'Go to the home page',
  },
  docs: {
    title: 'Documentation',
    intro: 'How eidkit works and how to build with it.',
    englishOnly: '',
    back: 'All documents',
    missing: 'This document does not exist.',
    onThisPage: 'Documents',
    pages: {
      integrators: 'Integrator guide',
      'how-it-works': 'How it works',
      privacy: 'Privacy model',
      'threat-model': 'Threat model',
      credentials: 'Credentials and QR transport',
      face: 'Face engine',
      liveness: 'Liveness',
      'lost-phone': 'Lost phone and backups',
      architecture: 'Architecture',
      hosting: 'Hosting the site',
      benchmarks: 'Benchmark results',
    },
  },
};

export type Messages = Widen<typeof catalogue>;
export const en: Messages = catalogue;
